/* liblzma.so.5 (xz-5.6.3): a leaf, needs only libc.so.6. */
int lzma_demo_version(void) { return 50060032; }
