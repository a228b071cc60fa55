/* libarchive.so.13 (libarchive-3.7.7): needs openssl's libcrypto, xz, zstd, bzip2, zlib and libxml2. */
extern int crypto_demo_version(void);
extern int lzma_demo_version(void);
extern int zstd_demo_version(void);
extern const char *bz2_demo_version(void);
extern unsigned long adler32_demo(const char *s);
extern int xml_demo_parse(const char *doc);

int archive_demo_ready(void) {
  return crypto_demo_version() && lzma_demo_version() && zstd_demo_version() && bz2_demo_version()[0] == '1' &&
         adler32_demo("archive") != 0 && xml_demo_parse("<toc/>");
}
