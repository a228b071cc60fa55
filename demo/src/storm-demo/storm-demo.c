/*
 * storm-demo (storm-demo-1.0/bin/storm-demo): prints one line. It calls into its own
 * libstormcore and six other libraries directly, so all seven are its DT_NEEDED entries and
 * their store dirs its DT_RUNPATH. Everything is found through DT_RUNPATH before main runs: that
 * search is the "stat storm" Stormglass shows.
 */
extern int puts(const char *s);
extern int storm_core_ready(void);
extern int archive_demo_ready(void);
extern int curl_demo_ready(void);
extern int sqlite3_demo_checksum(const int *values, int n);
extern int xml_demo_parse(const char *doc);
extern int crypto_demo_version(void);
extern unsigned long adler32_demo(const char *s);

int main(void) {
  static const int one[] = {1};
  puts("storm-demo: every library found, main() reached");
  return storm_core_ready() && archive_demo_ready() && curl_demo_ready() && sqlite3_demo_checksum(one, 1) &&
                 xml_demo_parse("<storm/>") && crypto_demo_version() && adler32_demo("storm")
             ? 0
             : 1;
}
