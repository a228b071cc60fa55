/*
 * Stand-in for glibc's Scrt1.o: the program's entry point.
 *
 * Why: the demo is linked with -nostdlib, so that nothing of the host's glibc (its start files
 * included) ends up in the closure; this calls main and exits through the stub libc.so.6.
 */
extern int main(void);
extern void exit(int status) __attribute__((noreturn));

/* The kernel enters with %rsp 16-byte aligned, not as after a call: realign before main. */
__attribute__((force_align_arg_pointer, noreturn)) void _start(void) {
  exit(main());
}
