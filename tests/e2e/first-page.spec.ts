// The first page, end to end against the built app: a file goes from the input (or a drop) to the
// engine worker and back, and the page shows what the real readelf sees in the same file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const LS = '/usr/bin/ls';
const TRUE = '/usr/bin/true';
const SCREENSHOT = 'test-results/screenshots/first-page.png';

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

async function openPage(page: Page) {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Stormglass' })).toBeVisible();
}

test('choosing /usr/bin/ls shows the interpreter and NEEDED that readelf reports', async ({ page }) => {
  const expected = readelf(LS);
  expect(expected.interpreter).not.toBeNull();
  expect(expected.needed.length).toBeGreaterThan(0);

  await openPage(page);
  await page.getByLabel('Choose files to inspect').setInputFiles(LS);

  const summary = page.getByRole('region', { name: 'ELF summary: ls' });
  await expect(summary).toBeVisible();
  await expect(summary.getByTestId('interpreter')).toHaveText(expected.interpreter!);
  await expect(summary.getByTestId('needed').getByRole('listitem')).toHaveText(expected.needed);
  await expect(summary.getByTestId('class')).toHaveText('ELF64');
  await expect(summary.getByTestId('file-size')).toContainText(
    new Intl.NumberFormat('en').format(readFileSync(LS).length),
  );
  await expect(page.getByTestId('status')).toHaveText('Read 1 of 1 file.');
  await expect(page.getByRole('alert')).toHaveCount(0);

  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test('a corrupt file shows its error code and byte offset, and the page still works', async ({ page }) => {
  // "\x7fELG": the fourth magic byte (offset 3) is wrong.
  const badMagic = join(scratch, 'not-elf.bin');
  writeFileSync(badMagic, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x47, 2, 1, 1]), Buffer.alloc(57)]));
  // The first 30 bytes of a real ELF: the header is cut short at byte 30.
  const truncated = join(scratch, 'ls-30-bytes');
  writeFileSync(truncated, readFileSync(LS).subarray(0, 30));

  await openPage(page);
  const input = page.getByLabel('Choose files to inspect');

  await input.setInputFiles(badMagic);
  const alert = page.getByRole('alert');
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('not-elf.bin');
  await expect(alert).toContainText('elf_bad_magic at byte 0x3');
  await expect(alert).toContainText('Not an ELF file');

  await input.setInputFiles(truncated);
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('elf_truncated at byte 0x1e');

  await input.setInputFiles(TRUE);
  const summary = page.getByRole('region', { name: 'ELF summary: true' });
  await expect(summary).toBeVisible();
  await expect(summary.getByTestId('interpreter')).toHaveText(readelf(TRUE).interpreter!);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('dropping files on the drop zone parses every one of them', async ({ page }) => {
  await openPage(page);
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

  const summary = page.getByRole('region', { name: 'ELF summary: true' });
  await expect(summary).toBeVisible();
  await expect(summary.getByTestId('needed').getByRole('listitem')).toHaveText(readelf(TRUE).needed);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('empty.so');
  await expect(alert).toContainText('elf_empty at byte 0x0');
  await expect(page.getByTestId('status')).toHaveText('Read 1 of 2 files; 1 could not be read.');
});

test('the file input is reachable with Tab and shows a visible focus ring', async ({ page }) => {
  await openPage(page);
  const input = page.getByLabel('Choose files to inspect');
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if (await input.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(input).toBeFocused();
  const ring = await input.evaluate((el) => {
    const style = getComputedStyle(el);
    return {
      visible: el.matches(':focus-visible'),
      style: style.outlineStyle,
      width: parseFloat(style.outlineWidth),
      color: style.outlineColor,
    };
  });
  expect(ring.visible).toBe(true);
  expect(ring.style).not.toBe('none');
  expect(ring.width).toBeGreaterThanOrEqual(2);
  // The drop zone around it shows the focus too: its border changes colour while focus is inside.
  const zone = page.getByTestId('drop-zone');
  const borderOf = () => zone.evaluate((el) => getComputedStyle(el).borderTopColor);
  await expect.poll(borderOf).toBe(ring.color);
  await input.blur();
  await expect.poll(borderOf).not.toBe(ring.color);
});
