/* libnghttp2.so.14 (nghttp2-1.64.0): a leaf, needs only libc.so.6. */
int nghttp2_demo_version(void) { return 0x014000; }
