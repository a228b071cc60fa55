/* libbz2.so.1 (bzip2-1.0.8): a leaf, needs only libc.so.6. */
const char *bz2_demo_version(void) { return "1.0.8, 13-Jul-2019"; }
