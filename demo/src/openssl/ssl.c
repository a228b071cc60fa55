/*
 * libssl.so.3 (openssl-3.3.2): needs libcrypto.so.3, which sits in its own store path's lib/,
 * so its DT_RUNPATH starts with its own lib dir.
 */
extern int crypto_demo_version(void);

int ssl_demo_version(void) { return crypto_demo_version(); }
