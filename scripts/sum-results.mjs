#!/usr/bin/env node
// Sums the JSON reports of Vitest and Playwright and prints, as the very last line,
//   N passed, N failed[, N skipped]
// Exit status: 0 only if every given report exists, nothing failed, and at least one test passed.
//
// Usage (all arguments optional, each runner is only counted if its report is given):
//   node scripts/sum-results.mjs \
//     --vitest test-results/vitest.json --vitest-exit 0 \
//     --playwright test-results/playwright.json --playwright-exit 0 \
//     --fail "build failed (exit 1)"          # may repeat; each counts as one failure
//
// Counting rules (a failure that is not a test is counted as one failed test so that the last
// line never reads "0 failed" while the run is red; every such count is explained in a NOTE):
//   Vitest 4:     passed  = numPassedTests
//                 failed  = numFailedTests + 1 per test file that failed without a failed test
//                           (import error, failing beforeAll/afterAll hook)
//                 skipped = numPendingTests + numTodoTests
//   Playwright:   passed  = stats.expected + stats.flaky (flaky tests get a NOTE)
//                 failed  = stats.unexpected + 1 per top-level error (webServer, syntax error...)
//                 skipped = stats.skipped
//   Either:       missing/unreadable report -> 1 failure; runner exited non-zero although its
//                 report shows no failure (e.g. Vitest's unhandled errors) -> 1 failure.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opts = { fail: [] };
for (let i = 0; i < args.length; i++) {
  const key = args[i];
  const value = args[i + 1];
  if (!key.startsWith('--') || value === undefined) {
    console.error(`sum-results: bad arguments near ${JSON.stringify(key)}`);
    console.log('0 passed, 1 failed');
    process.exit(2);
  }
  i++;
  const name = key.slice(2);
  if (name === 'fail') opts.fail.push(value);
  else opts[name] = value;
}

const notes = [];
const lines = [];
let passed = 0;
let failed = 0;
let skipped = 0;

const num = (v) => (Number.isFinite(v) ? v : 0);

function readReport(label, file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err && err.code === 'ENOENT' ? 'no report written' : `unreadable report (${err.message})`;
    notes.push(`${label}: ${why} at ${file}: the runner crashed, timed out or did not start; counted as 1 failure`);
    return null;
  }
}

function timeLimitNote(label, exitCode) {
  const code = Number(exitCode);
  if (code === 124 || code === 137) notes.push(`${label}: killed at the harness time limit (exit ${code})`);
}

function exitNote(label, exitCode, reportFailures) {
  if (exitCode === undefined) return 0;
  const code = Number(exitCode);
  if (code === 0) return 0;
  timeLimitNote(label, code);
  if (reportFailures > 0) return 0;
  notes.push(`${label}: exited ${code} although its report shows no failed test (unhandled error, interrupted run?); counted as 1 failure`);
  return 1;
}

if (opts.vitest !== undefined) {
  const r = readReport('vitest', opts.vitest);
  if (r === null || typeof r.numPassedTests !== 'number') {
    if (r !== null) notes.push(`vitest: ${opts.vitest} is not a Vitest JSON report; counted as 1 failure`);
    timeLimitNote('vitest', opts['vitest-exit']);
    failed += 1;
    lines.push('vitest:     no usable report');
  } else {
    const p = num(r.numPassedTests);
    let f = num(r.numFailedTests);
    const s = num(r.numPendingTests) + num(r.numTodoTests);
    for (const file of Array.isArray(r.testResults) ? r.testResults : []) {
      const assertions = Array.isArray(file.assertionResults) ? file.assertionResults : [];
      if (file.status === 'failed' && !assertions.some((a) => a.status === 'failed')) {
        f += 1;
        const msg = String(file.message || 'failed outside any test').split('\n')[0].slice(0, 200);
        notes.push(`vitest: test file ${file.name} failed outside its tests: ${msg}; counted as 1 failure`);
      }
    }
    f += exitNote('vitest', opts['vitest-exit'], f);
    passed += p;
    failed += f;
    skipped += s;
    lines.push(`vitest:     ${p} passed, ${f} failed, ${s} skipped`);
  }
}

if (opts.playwright !== undefined) {
  const r = readReport('playwright', opts.playwright);
  if (r === null || typeof r.stats !== 'object' || r.stats === null) {
    if (r !== null) notes.push(`playwright: ${opts.playwright} is not a Playwright JSON report; counted as 1 failure`);
    timeLimitNote('playwright', opts['playwright-exit']);
    failed += 1;
    lines.push('playwright: no usable report');
  } else {
    const st = r.stats;
    const flaky = num(st.flaky);
    const p = num(st.expected) + flaky;
    let f = num(st.unexpected);
    const s = num(st.skipped);
    const errors = Array.isArray(r.errors) ? r.errors : [];
    for (const e of errors) {
      const msg = String((e && (e.message || e.value)) || 'unknown error').split('\n')[0].slice(0, 200);
      notes.push(`playwright: error outside any test: ${msg}; counted as 1 failure`);
    }
    f += errors.length;
    if (flaky > 0) notes.push(`playwright: ${flaky} test(s) were flaky (failed, then passed on retry); counted as passed`);
    f += exitNote('playwright', opts['playwright-exit'], f);
    passed += p;
    failed += f;
    skipped += s;
    lines.push(`playwright: ${p} passed, ${f} failed, ${s} skipped${flaky ? ` (${flaky} flaky)` : ''}`);
  }
}

for (const reason of opts.fail) {
  failed += 1;
  notes.push(`${reason}; counted as 1 failure`);
}

if (opts.vitest === undefined && opts.playwright === undefined && opts.fail.length === 0) {
  notes.push('no report given; counted as 1 failure');
  failed += 1;
}
if (passed + failed === 0) {
  notes.push('zero tests ran; counted as 1 failure');
  failed += 1;
}

console.log('');
console.log('==> Summary');
for (const l of lines) console.log(l);
for (const n of notes) console.log(`NOTE: ${n}`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
