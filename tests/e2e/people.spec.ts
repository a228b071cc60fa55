// Made for people: keyboard-only use of the main flow, axe-core's WCAG 2 AA rules (contrast,
// labels, ARIA) in the light and dark themes, a projector's 1280x720 and a 200% zoom, and a
// closure with tens of thousands of probes that the virtualized tree keeps light.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { loadEngine } from '../../src/node/engine.ts';
import { setRunpath } from '../../src/core/rewrite/index.ts';
import { cliTrace, DEMO, DEMO_TAR, expectTotals, openDemo, screenshot, tabTo } from './support.ts';

let scratch: string;
test.beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stormglass-people-'));
});
test.afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(found).toEqual([]);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`no WCAG 2 AA violations in the ${scheme} theme, on every view`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 720 });
    await openDemo(page);
    await page.getByRole('button', { name: 'Expand all failing' }).click();
    await expectNoAxeViolations(page);
    await page.getByRole('tab', { name: 'Fix: resolution note' }).click();
    await page.getByTestId('embed-closure').click();
    await expect(page.getByTestId('rewrite-result')).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole('tab', { name: 'ELF details' }).click();
    for (const part of await page.locator('details > summary').all()) await part.click();
    await expectNoAxeViolations(page);
    await page.getByRole('tab', { name: 'Export' }).click();
    await expectNoAxeViolations(page);
    if (scheme === 'dark') await screenshot(page, 'playground-dark');
  });
}

test('at 200% zoom (640x360 CSS pixels) nothing needs horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 640, height: 360 });
  await openDemo(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('region', { name: 'Storm meter' })).toBeVisible();
});

test('keyboard only: change a setting, walk the tree, embed the notes and download', async ({ page }) => {
  await openDemo(page);
  // A setting: Tab to the CPU level, choose another level with the arrow keys; it re-traces.
  const cpu = page.getByLabel('CPU level');
  await tabTo(page, cpu);
  await page.keyboard.press('ArrowUp');
  await expect(cpu).toHaveValue('x86-64-v2');
  await expectTotals(page, cliTrace(['--archive', DEMO_TAR, '--profile', DEMO.profile, '--cpu', 'x86-64-v2', DEMO.program]));

  // The tree: Tab into it, Down to the first lookup, Right opens its probes.
  const tree = page.getByTestId('search-tree');
  await tabTo(page, tree.locator('[role="treeitem"][tabindex="0"]'));
  await page.keyboard.press('ArrowRight');
  await expect(tree.getByTestId('probe-row').first()).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(tree.getByTestId('probe-row').first()).toBeFocused();

  // The fix: Shift+Tab back to the tabs, Right twice… the tab list is one Tab stop.
  const fixTab = page.getByRole('tab', { name: 'Fix: resolution note' });
  await page.getByRole('tab', { name: 'Search tree' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(fixTab).toBeFocused();
  await expect(fixTab).toHaveAttribute('aria-selected', 'true');
  await tabTo(page, page.getByTestId('embed-closure'));
  await page.keyboard.press('Enter');
  const link = page.getByTestId('download-link');
  await expect(link).toBeVisible();
  await tabTo(page, link);
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toBe('closure-noted.tar');
});

test('tens of thousands of probes: the tree renders a screenful and End reaches the last probe', async ({ page }) => {
  // The demo with 600 more run-path directories in front of the program's own: every lookup of
  // the program now fails in each of them (and in their glibc-hwcaps subdirectories) first.
  const root = join(scratch, 'big');
  mkdirSync(root);
  execFileSync('tar', ['-xf', DEMO_TAR, '-C', root]);
  const extra = Array.from({ length: 600 }, (_, i) => `/nix/store/${String(i).padStart(32, '0')}-pad-${i}/lib`);
  for (const dir of extra) mkdirSync(join(root, dir, 'glibc-hwcaps/x86-64-v3'), { recursive: true });
  const program = join(root, DEMO.program);
  const engine = await loadEngine();
  const bytes = new Uint8Array(readFileSync(program));
  const parsed = engine.parse(bytes);
  if (!parsed.ok) throw new Error(parsed.error.code);
  const edited = setRunpath(engine, bytes, [...extra, parsed.report.runpath!.text].join(':'));
  if (!edited.ok) throw new Error(edited.error.code);
  writeFileSync(program, edited.bytes);
  const tar = join(scratch, 'big.tar');
  execFileSync('tar', ['-cf', tar, '-C', root, 'nix']);
  const expected = cliTrace(['--archive', tar, '--profile', DEMO.profile, '--cpu', DEMO.cpu, DEMO.program]);
  expect(expected.probes.length).toBeGreaterThan(10_000);

  await openDemo(page);
  await page.getByLabel('Choose files').setInputFiles(tar);
  await expectTotals(page, expected);
  const tree = page.getByTestId('search-tree');
  await page.getByRole('button', { name: 'Expand all failing' }).click();
  const n = expected.probes.length;
  await expect(page.getByTestId('search-tree-summary')).toContainText(`${new Intl.NumberFormat('en').format(n)} of ${new Intl.NumberFormat('en').format(n)} probes`);
  // Virtualized: a screenful of rows in the document, not tens of thousands.
  expect(await tree.getByTestId('probe-row').count()).toBeLessThan(200);
  await tree.locator('[role="treeitem"][tabindex="0"]').focus();
  await page.keyboard.press('End');
  const last = expected.probes[n - 1]!;
  await expect(page.locator('[role="treeitem"]:focus')).toContainText(last.path ?? `${last.fd}`);
});
