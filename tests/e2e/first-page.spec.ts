// Single files, end to end against the built app: a file goes from the input (or a drop) to the
// engine worker and back, and the ELF details show what the real readelf sees in the same file;
// files that are not ELF, or are cut short, show their error code and byte offset.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openDemo, screenshot, tabTo } from './support.ts';

const LS = '/usr/bin/ls';
const TRUE = '/usr/bin/true';

/** The interpreter and NEEDED list (in order) as binutils' readelf prints them. */
function readelf(path: string): { interpreter: string | null; needed: string[] } {
  const out = execFileSync('readelf', ['-ldW', path], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const interpreter = /\[Requesting program interpreter: (.*)\]/.exec(out)?.[1] ?? null;
  const needed = [...out.matchAll(/\(NEEDED\)\s+Shared library: \[(.*)\]/g)].map((m) => m[1]!);
  return { interpreter, needed };
}

let scratch: string;
test.beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stormglass-e2e-'));
});
test.afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** The page with its demo traced, then `paths` chosen with the file input. */
async function choose(page: Page, paths: string | string[]) {
  await openDemo(page);
  await page.getByLabel('Choose files').setInputFiles(paths);
}

test('choosing /usr/bin/ls shows the interpreter and NEEDED that readelf reports', async ({ page }) => {
  const expected = readelf(LS);
  expect(expected.interpreter).not.toBeNull();
  expect(expected.needed.length).toBeGreaterThan(0);

  await choose(page, LS);
  // The one program of the drop is selected and traced.
  await expect(page.getByTestId('status')).toHaveText('Traced /ls.');
  await page.getByRole('tab', { name: 'ELF details' }).click();
  const summary = page.getByRole('region', { name: 'ELF summary: ls' });
  await expect(summary).toBeVisible();
  await expect(summary.getByTestId('interpreter')).toHaveText(expected.interpreter!);
  await expect(summary.getByTestId('needed').getByRole('listitem')).toHaveText(expected.needed);
  await expect(summary.getByTestId('class')).toHaveText('ELF64');
  await expect(summary.getByTestId('file-size')).toContainText(new Intl.NumberFormat('en').format(readFileSync(LS).length));
  await screenshot(page, 'playground-details');
});

test('files that are not ELF or are cut short show their code and byte offset; the rest still works', async ({ page }) => {
  // "\x7fELG": the fourth magic byte (offset 3) is wrong.
  const badMagic = join(scratch, 'not-elf.bin');
  writeFileSync(badMagic, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x47, 2, 1, 1]), Buffer.alloc(57)]));
  // The first 30 bytes of a real ELF: the header is cut short at byte 30.
  const truncated = join(scratch, 'ls-30-bytes');
  writeFileSync(truncated, readFileSync(LS).subarray(0, 30));

  await choose(page, [badMagic, truncated, TRUE]);
  const workspace = page.getByTestId('workspace');
  const problems = workspace.getByTestId('parse-error');
  await expect(problems).toHaveCount(2);
  await expect(problems.filter({ hasText: 'not-elf.bin' })).toContainText('Not an ELF file');
  await expect(problems.filter({ hasText: 'not-elf.bin' }).getByTestId('error-code')).toHaveText('elf_bad_magic');
  await expect(problems.filter({ hasText: 'not-elf.bin' }).getByTestId('error-offset')).toHaveText('0x3');
  await expect(problems.filter({ hasText: 'ls-30-bytes' }).getByTestId('error-code')).toHaveText('elf_truncated');
  await expect(problems.filter({ hasText: 'ls-30-bytes' }).getByTestId('error-offset')).toHaveText('0x1e');

  // The good file among them is the one program, selected and traced.
  await expect(page.getByTestId('status')).toHaveText('Traced /true.');
  await page.getByRole('tab', { name: 'ELF details' }).click();
  await expect(page.getByRole('region', { name: 'ELF summary: true' }).getByTestId('interpreter')).toHaveText(readelf(TRUE).interpreter!);
});

test('dropping files on the drop zone reads every one of them', async ({ page }) => {
  await openDemo(page);
  const files = [
    { name: 'true', bytes: [...readFileSync(TRUE)] },
    { name: 'empty.so', bytes: [] as number[] },
  ];
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return dt;
  }, files);

  const zone = page.getByTestId('drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });

  await expect(page.getByTestId('workspace-source')).toContainText('2 dropped files: 2 files, 1 ELF.');
  const problem = page.getByTestId('workspace').getByTestId('parse-error');
  await expect(problem).toContainText('empty.so');
  await expect(problem.getByTestId('error-code')).toHaveText('elf_empty');
  await expect(page.getByTestId('status')).toHaveText('Traced /true.');
  await page.getByRole('tab', { name: 'ELF details' }).click();
  await expect(page.getByRole('region', { name: 'ELF summary: true' }).getByTestId('needed').getByRole('listitem')).toHaveText(readelf(TRUE).needed);
});

test('pasting files opens them like a drop', async ({ page }) => {
  await openDemo(page);
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'true'));
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt }));
  }, [...readFileSync(TRUE)]);
  await expect(page.getByTestId('workspace-source')).toContainText('1 dropped file: 1 file, 1 ELF.');
  await expect(page.getByTestId('status')).toHaveText('Traced /true.');
});

test('the file input is reachable with Tab and its button shows a visible focus ring', async ({ page }) => {
  await openDemo(page);
  const input = page.getByLabel('Choose files');
  await tabTo(page, input);
  await expect(input).toBeFocused();
  // The input is visually hidden; its label is the visible button and carries the ring.
  const ring = await page.locator('label[for="file-input"]').evaluate((el) => {
    const style = getComputedStyle(el);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  expect(ring.style).not.toBe('none');
  expect(ring.width).toBeGreaterThanOrEqual(2);
});
