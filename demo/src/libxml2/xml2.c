/* libxml2.so.2 (libxml2-2.13.4): needs libz.so.1 and liblzma.so.5. */
extern unsigned long adler32_demo(const char *s);
extern int lzma_demo_version(void);

int xml_demo_parse(const char *doc) { return (int)(adler32_demo(doc) & 0xff) + (lzma_demo_version() != 0); }
