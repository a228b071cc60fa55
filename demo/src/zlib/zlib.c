/* libz.so.1 (zlib-1.3.1): a leaf, needs only libc.so.6. */
unsigned long adler32_demo(const char *s) {
  unsigned long a = 1, b = 0;
  for (; *s != '\0'; s++) {
    a = (a + (unsigned char)*s) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}
