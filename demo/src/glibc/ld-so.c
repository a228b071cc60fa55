/*
 * Stand-in for glibc's dynamic loader, ld-linux-x86-64.so.2.
 *
 * Why a stub: a Nix program's PT_INTERP names the loader inside its own glibc store path
 * (/nix/store/<hash>-glibc-2.40-66/lib/ld-linux-x86-64.so.2), not /lib64's. Shipping a file at
 * that path keeps the closure self-contained: Stormglass opens the interpreter to map it as the
 * kernel would. It models the loader itself, so this file only needs the right soname; its entry
 * point just exits with the status ld.so uses for "cannot start".
 */
__attribute__((noreturn)) void _dl_start(void) {
  for (;;) __asm__ volatile("syscall" : : "a"(231L) /* exit_group */, "D"(127L) : "rcx", "r11", "memory");
}
