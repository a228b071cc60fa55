/* libcrypto.so.3 (openssl-3.3.2): a leaf, needs only libc.so.6. */
int crypto_demo_version(void) { return 0x30300020; }
