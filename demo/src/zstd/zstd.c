/* libzstd.so.1 (zstd-1.5.6): a leaf, needs only libc.so.6. */
int zstd_demo_version(void) { return 10506; }
