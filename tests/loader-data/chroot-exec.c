// Runs a program in a chroot with the caller's environment. Built static (gcc -static) so that
// LD_PRELOAD / LD_DEBUG / GLIBC_TUNABLES act only on the program inside, never on this helper:
// the chroot oracle of ld-so-cache.test.ts (the real loader reading a scratch /etc/ld.so.cache).
#include <unistd.h>
#include <stdio.h>
extern char **environ;
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  if (chroot(argv[1]) != 0 || chdir("/") != 0) { perror("chroot"); return 3; }
  execve(argv[2], argv + 2, environ);
  perror("execve");
  return 4;
}
