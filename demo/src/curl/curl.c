/* libcurl.so.4 (curl-8.11.0): needs nghttp2, openssl (libssl and libcrypto), zstd and zlib. */
extern int nghttp2_demo_version(void);
extern int ssl_demo_version(void);
extern int crypto_demo_version(void);
extern int zstd_demo_version(void);
extern unsigned long adler32_demo(const char *s);

int curl_demo_ready(void) {
  return nghttp2_demo_version() && ssl_demo_version() == crypto_demo_version() && zstd_demo_version() &&
         adler32_demo("curl") != 0;
}
