/*
 * libstormcore.so.1 (storm-demo-1.0): the application's own library, installed next to the
 * program in the same store path ($out/lib). Needs libarchive, libcurl and libsqlite3.
 */
extern int archive_demo_ready(void);
extern int curl_demo_ready(void);
extern int sqlite3_demo_checksum(const int *values, int n);

int storm_core_ready(void) {
  static const int values[] = {1, 2, 3, 4, 5, 6, 7, 8};
  return archive_demo_ready() && curl_demo_ready() && sqlite3_demo_checksum(values, 8) >= 36 * 31;
}
