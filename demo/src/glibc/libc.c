/*
 * Stand-in for glibc's libc.so.6 (/nix/store/<hash>-glibc-2.40-66/lib/libc.so.6).
 *
 * Why a stub: every ELF in a Nix closure has DT_NEEDED libc.so.6 and ends its DT_RUNPATH with the
 * store glibc's lib/ dir, so the closure must carry a libc for the loader to find there. The
 * host's libc would make the archive large and tie it to this machine; Stormglass only reads the
 * files, so a few functions with the real soname are enough. It is built with -nostdlib
 * -ffreestanding (no host libc inside) and -Wl,-soname,libc.so.6.
 *
 * The functions are real enough to run: puts writes with the write(2) system call.
 */
typedef unsigned long size_t;

static long sys_write(int fd, const void *buf, size_t len) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(1L), "D"((long)fd), "S"(buf), "d"(len) : "rcx", "r11", "memory");
  return ret;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n] != '\0') n++;
  return n;
}

int puts(const char *s) {
  sys_write(1, s, strlen(s));
  sys_write(1, "\n", 1);
  return 0;
}

__attribute__((noreturn)) void exit(int status) {
  for (;;) __asm__ volatile("syscall" : : "a"(231L) /* exit_group */, "D"((long)status) : "rcx", "r11", "memory");
}
