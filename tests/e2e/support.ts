// Shared steps of the playground's browser tests: the real CLI as the oracle (the page and
// `stormglass trace` must agree on the same input), the demo's description, and waiting for the
// page's trace.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import type { Trace } from '../../src/core/loader/trace-types.ts';

export const DEMO = JSON.parse(readFileSync('public/demo/demo.json', 'utf8')) as { archive: string; program: string; profile: string; cpu: string };
export const DEMO_TAR = `public/demo/${DEMO.archive}`;
export const SCREENSHOTS = 'test-results/screenshots';

/** `stormglass trace --json` of the built CLI. */
export function cliTrace(args: string[]): Trace {
  const out = execFileSync('node', ['bin/stormglass.js', 'trace', '--json', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(out) as Trace;
}

const number = new Intl.NumberFormat('en');

/** The storm meter shows exactly these totals. */
export async function expectTotals(page: Page, trace: Trace): Promise<void> {
  const meter = page.getByRole('region', { name: 'Storm meter' }).first();
  await expect(meter.getByTestId('meter-failed-opens')).toHaveText(number.format(trace.totals.program.failedOpens));
  await expect(meter.getByTestId('meter-failed-stats')).toHaveText(number.format(trace.totals.program.failedStats));
  await expect(meter.getByTestId('meter-syscalls')).toHaveText(number.format(trace.totals.program.syscalls));
}

/** A fresh page with the built-in demo traced. */
export async function openDemo(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('workspace-source')).toContainText(DEMO.archive);
  await expect(page.getByTestId('status')).toHaveText(/^Traced /);
}

/** A screenshot of the viewport for the README, without the passing "ready to work offline" notice. */
export async function screenshot(page: Page, name: string, focus?: Locator): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const notice = page.getByTestId('offline-ready');
  if (await notice.isVisible()) await notice.getByRole('button', { name: 'Dismiss' }).click();
  if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}

/** Presses Tab (at most `limit` times) until `target` has the focus: keyboard-only navigation. */
export async function tabTo(page: Page, target: Locator, limit = 120): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error('Tab never reached the element');
}
