/*
 * libsqlite3.so.0 (sqlite-3.46.1): needs libz.so.1. Built twice: for the x86-64 baseline in
 * lib/, and with -march=x86-64-v3 in lib/glibc-hwcaps/x86-64-v3/, where glibc 2.33+ looks first
 * on a CPU with AVX2 (-O3 vectorizes the loop below with AVX2 there, SSE2 in the baseline build).
 */
extern unsigned long adler32_demo(const char *s);

int sqlite3_demo_checksum(const int *values, int n) {
  int sum = (int)(adler32_demo("sqlite") & 1);
  for (int i = 0; i < n; i++) sum += values[i] * 31;
  return sum;
}
