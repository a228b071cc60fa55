// The resolution note (.note.nixos.ldcache) is decoded on the page: a valid one with each soname's
// path list as glibc would try it, an invalid one with the reason glibc would ignore it.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openDemo } from './support.ts';

const VALID = 'tests/fixtures/elf/elf64-be-ldcache';
const UNTERMINATED = 'tests/fixtures/bad/ldcache_desc_unterminated';

/** The file alone in the workspace, shown in the ELF details tab. */
async function openDetails(page: Page, path: string) {
  await openDemo(page);
  await page.getByLabel('Choose files').setInputFiles(path);
  await expect(page.getByTestId('workspace-source')).toContainText('1 dropped file');
  await page.getByRole('tab', { name: 'ELF details' }).click();
}

test('a valid resolution note shows each soname with its path list', async ({ page }) => {
  await openDetails(page, VALID);
  const summary = page.getByRole('region', { name: /ELF summary/ });
  await expect(summary.getByTestId('ldcache-verdict')).toHaveText(/glibc would accept/);
  // The worked example of resolution-note.md §2.2, written into the fixture by its generator.
  const rows = summary.locator('table.ldcache tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('libbar.so');
  await expect(rows.nth(0)).toContainText('=/s/A/lib/libbar.so:?$ORIGIN/../lib');
  await expect(rows.nth(1)).toContainText('libfoo.so');
});

test('a note glibc would ignore says why, with the code and byte offset', async ({ page }) => {
  const manifest: { file: string; offset: number }[] = JSON.parse(readFileSync('tests/fixtures/bad/manifest.json', 'utf8'));
  const offset = manifest.find((c) => c.file === 'ldcache_desc_unterminated')!.offset;
  await openDetails(page, UNTERMINATED);
  const verdict = page.getByRole('region', { name: /ELF summary/ }).getByTestId('ldcache-verdict');
  await expect(verdict).toHaveText(/glibc would ignore/);
  await expect(verdict).toContainText(`ldcache_desc_unterminated at byte 0x${offset.toString(16)}`);
});
