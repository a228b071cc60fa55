#!/usr/bin/env bash
# Run every test of Stormglass on a fresh Debian machine (as root):
#   1. install the Debian packages it needs if missing: chromium (never a downloaded browser),
#      strace, gcc, gcc-multilib, xz-utils, zstd
#   2. npm ci if node_modules is missing or older than package-lock.json
#   3. npm run build (wasm core, app, CLI), then npm run check (types)
#   4. Vitest (unit/integration, tests/**/*.test.ts)   -> test-results/vitest.json
#   5. Playwright (end-to-end, tests/e2e, in chromium)   -> test-results/playwright.json
#   6. scripts/sum-results.mjs prints the last line: "N passed, N failed[, N skipped]"
# Exits non-zero if any test failed, a runner crashed or wrote no report, or no test ran.
# One runner failing never stops the other, and the summary line is always printed last.
#
# Environment:
#   CHROMIUM_PATH               browser binary (default /usr/bin/chromium)
#   STORMGLASS_VITEST_TIMEOUT   hard limit for the whole Vitest run (default 30m, timeout(1) syntax)
#   STORMGLASS_E2E_TIMEOUT      hard limit for the whole Playwright run (default 35m)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
VITEST_TIMEOUT="${STORMGLASS_VITEST_TIMEOUT:-30m}"
E2E_TIMEOUT="${STORMGLASS_E2E_TIMEOUT:-35m}"

RESULTS_DIR=test-results
VITEST_JSON="$RESULTS_DIR/vitest.json"
PW_JSON="$RESULTS_DIR/playwright.json"

FAILS=()   # failures that are not tests (each is counted as one failed test in the summary)

step() { printf '\n==> %s\n' "$*"; }

# Prints the summary (last line of output) and exits with its status.
summarise() {
  node scripts/sum-results.mjs "$@"
  exit $?
}

fail_args() {
  local f
  for f in "${FAILS[@]+"${FAILS[@]}"}"; do printf '%s\0' --fail "$f"; done
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
  else
    echo "not root and no sudo: cannot run $*" >&2
    return 1
  fi
}

# --- 1. Debian packages the tests use -------------------------------------------------------
# chromium for Playwright; strace and gcc (with gcc-multilib for the ELF32 fixture) to record the
# real loader; xz-utils and zstd for GNU tar's compressed archives. Only what is missing is
# installed; a failed install is reported and the tests that need it fail or skip visibly.
missing=()
[ -x "$CHROMIUM_PATH" ] || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v strace >/dev/null 2>&1 || missing+=(strace)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
dpkg -s gcc-multilib >/dev/null 2>&1 || missing+=(gcc-multilib)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
if [ "${#missing[@]}" -gt 0 ]; then
  step "Installing Debian packages: ${missing[*]}"
  if ! { as_root apt-get update -q </dev/null &&
         as_root apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" </dev/null; }; then
    echo "WARNING: apt-get install ${missing[*]} failed; tests that need them will fail or skip" >&2
  fi
fi
if [ ! -x "$CHROMIUM_PATH" ] && [ -x /usr/bin/chromium ]; then
  echo "NOTE: $CHROMIUM_PATH is missing; using /usr/bin/chromium"
  CHROMIUM_PATH=/usr/bin/chromium
fi
if [ -x "$CHROMIUM_PATH" ]; then
  step "Browser: $("$CHROMIUM_PATH" --version 2>/dev/null || echo "$CHROMIUM_PATH")"
fi

# --- 2. Dependencies ------------------------------------------------------------------------
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  if ! npm ci --no-audit --no-fund </dev/null; then
    FAILS+=("npm ci failed: nothing could run")
    mapfile -d '' extra < <(fail_args)
    summarise "${extra[@]}"
  fi
else
  step "node_modules is up to date with package-lock.json (skipping npm ci)"
fi

# --- 3. Build -------------------------------------------------------------------------------
step "npm run build"
build_ok=1
if ! npm run build </dev/null; then
  build_ok=0
  FAILS+=("npm run build failed: end-to-end tests not run")
fi

# --- 3b. Types: strict TypeScript and svelte-check over src/, tests/, bench/ --------------------
step "npm run check"
if ! npm run check </dev/null; then
  FAILS+=("npm run check (tsc, svelte-check) failed")
fi

mkdir -p "$RESULTS_DIR"
rm -f "$VITEST_JSON" "$PW_JSON"

# --- 4. Vitest ------------------------------------------------------------------------------
step "Vitest (limit $VITEST_TIMEOUT)"
timeout -k 30s "$VITEST_TIMEOUT" node_modules/.bin/vitest run \
  --reporter=default --reporter=json --outputFile.json="$VITEST_JSON" </dev/null
vitest_rc=$?
echo "vitest exited with $vitest_rc"

# --- 5. Playwright --------------------------------------------------------------------------
pw_args=()
if [ "$build_ok" -eq 1 ]; then
  step "Playwright (limit $E2E_TIMEOUT)"
  PLAYWRIGHT_JSON_OUTPUT_FILE="$PW_JSON" timeout -k 30s "$E2E_TIMEOUT" \
    node_modules/.bin/playwright test --reporter=list,json </dev/null
  pw_rc=$?
  echo "playwright exited with $pw_rc"
  pw_args=(--playwright "$PW_JSON" --playwright-exit "$pw_rc")
fi

# --- 6. Summary (must stay the last output) -------------------------------------------------
mapfile -d '' extra < <(fail_args)
summarise --vitest "$VITEST_JSON" --vitest-exit "$vitest_rc" "${pw_args[@]}" "${extra[@]}"
