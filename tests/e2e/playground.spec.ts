// The playground, end to end in Debian's Chromium against the built app, with the real CLI as the
// oracle: whatever the page shows for an input, `stormglass trace` must say for the same input.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { cliTrace, DEMO, DEMO_TAR, expectTotals, openDemo, screenshot } from './support.ts';

let scratch: string;
test.beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stormglass-playground-'));
});
test.afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const demoArgs = (archive: string) => ['--archive', archive, '--profile', DEMO.profile, '--cpu', DEMO.cpu, DEMO.program];

test('the built-in demo opens traced, with the totals and load order of stormglass trace', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openDemo(page);
  const expected = cliTrace(demoArgs(DEMO_TAR));
  expect(expected.totals.program.failedOpens).toBeGreaterThan(expected.objects.length);
  await expectTotals(page, expected);
  await expect(page.getByTestId('program-select')).toHaveValue(DEMO.program);
  // The tree holds every lookup and probe; its rows (virtualized: the first screenful) follow the
  // trace's load order, each naming what it asked for.
  const lookups = expected.lookups.length;
  await expect(page.getByTestId('search-tree-summary')).toContainText(`${lookups} of ${lookups} lookups, ${expected.probes.length} of ${expected.probes.length} probes`);
  const rows = page.getByTestId('lookup-row');
  const shown = await rows.count();
  expect(shown).toBeGreaterThan(5);
  for (let i = 0; i < shown; i++) await expect(rows.nth(i)).toContainText(expected.lookups[i]!.name);
  await screenshot(page, 'playground-demo');
  await page.getByRole('button', { name: 'Expand all failing' }).click();
  await screenshot(page, 'playground-tree', page.getByRole('tablist'));
});

test('a dropped tar.gz closure and a dropped folder give the same totals as the CLI on the same files', async ({ page }) => {
  const targz = join(scratch, 'closure.tar.gz');
  writeFileSync(targz, gzipSync(readFileSync(DEMO_TAR)));
  await openDemo(page);
  await page.getByLabel('Choose files').setInputFiles(targz);
  await expect(page.getByTestId('workspace-source')).toContainText('closure.tar.gz (tar, gzip)');
  await expectTotals(page, cliTrace(demoArgs(targz)));

  const unpacked = join(scratch, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xf', DEMO_TAR, '-C', unpacked]);
  // A folder from disk loses its symlinks in the browser (libfoo.so.1 -> libfoo.so.1.0.0): the
  // page says which sonames went missing and how to keep them.
  await page.getByLabel('Choose a folder').setInputFiles(join(unpacked, 'nix'));
  await expect(page.getByTestId('workspace')).toContainText('browsers leave symlinks out of dropped folders');
  // The same tree with its symlinks copied as files: the folder "nix" keeps its relative paths
  // (nix/store/… lands at /nix/store/…), and the CLI reads the same files with --root.
  const root = join(scratch, 'dereferenced');
  mkdirSync(root);
  execFileSync('cp', ['-rL', join(unpacked, 'nix'), root]);
  await page.getByLabel('Choose a folder').setInputFiles(join(root, 'nix'));
  await expect(page.getByTestId('workspace-source')).toContainText('dropped files');
  await expect(page.getByTestId('workspace')).not.toContainText('browsers leave symlinks out');
  await page.getByTestId('program-select').selectOption(DEMO.program);
  await expectTotals(page, cliTrace(['--root', root, '--profile', DEMO.profile, '--cpu', DEMO.cpu, DEMO.program]));
});

test('settings re-trace at once and the address is a permalink that reproduces the view', async ({ page }) => {
  await openDemo(page, '?profile=debian-12&cpu=x86-64-v2');
  await expect(page.getByLabel('Loader profile')).toHaveValue('debian-12');
  await expect(page.getByLabel('CPU level')).toHaveValue('x86-64-v2');
  await expectTotals(page, cliTrace(['--archive', DEMO_TAR, '--profile', 'debian-12', '--cpu', 'x86-64-v2', DEMO.program]));

  await page.getByLabel('CPU level').selectOption('x86-64-v4');
  await page.getByLabel('Loader profile').selectOption('nixos');
  await expect(page).toHaveURL(/cpu=x86-64-v4/);
  await expect(page).toHaveURL(/profile=nixos/);
  const v4 = cliTrace(['--archive', DEMO_TAR, '--profile', 'nixos', '--cpu', 'x86-64-v4', DEMO.program]);
  await expectTotals(page, v4);

  // The same address in a fresh page gives the same view.
  const again = await page.context().newPage();
  await again.goto(page.url());
  await expect(again.getByLabel('CPU level')).toHaveValue('x86-64-v4');
  await expectTotals(again, v4);
});

test('embed the note in the closure: before/after, download, re-open and see the note', async ({ page }) => {
  await openDemo(page);
  await page.getByRole('tab', { name: 'Fix: resolution note' }).click();
  await page.getByTestId('embed-closure').click();
  const result = page.getByTestId('rewrite-result');
  await expect(result).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-link').click()]);
  expect(download.suggestedFilename()).toBe('closure-noted.tar');
  const noted = join(scratch, 'closure-noted.tar');
  await download.saveAs(noted);

  // The page's before/after is the note-aware loader over the original and the downloaded files.
  const before = cliTrace([...demoArgs(DEMO_TAR).slice(0, -1), '--note-aware', DEMO.program]);
  const after = cliTrace([...demoArgs(noted).slice(0, -1), '--note-aware', DEMO.program]);
  expect(after.totals.program.failedOpens).toBeLessThan(before.totals.program.failedOpens);
  const number = new Intl.NumberFormat('en');
  await expect(result.getByTestId('meter-failed-opens')).toHaveText(number.format(before.totals.program.failedOpens));
  await expect(result.getByTestId('meter-after-failed-opens')).toHaveText(number.format(after.totals.program.failedOpens));
  await screenshot(page, 'playground-fix', result);
  // Every probe of the note-aware loader over the rewritten files, in its own tree.
  await result.getByText(`Every probe after the note (${number.format(after.probes.length)})`).click();
  await expect(result.getByTestId('search-tree-summary')).toContainText(`${number.format(after.probes.length)} of ${number.format(after.probes.length)} probes`);

  // Re-open the download: the program carries a note that is up to date and glibc would accept.
  await page.getByLabel('Choose files').setInputFiles(noted);
  await expect(page.getByTestId('workspace-source')).toContainText('closure-noted.tar');
  await page.getByRole('tab', { name: 'ELF details' }).click();
  await expect(page.getByTestId('stale-verdict')).toContainText('The resolution note is up to date. glibc would accept it.');
  await expect(page.getByTestId('ldcache-verdict')).toContainText('glibc would accept');
});

test('one program alone: embed its note and download it under its own name', async ({ page }) => {
  await openDemo(page);
  await page.getByRole('tab', { name: 'Fix: resolution note' }).click();
  await page.getByTestId('embed-program').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-link').click()]);
  expect(download.suggestedFilename()).toBe('storm-demo');
  const saved = join(scratch, 'storm-demo');
  await download.saveAs(saved);
  // readelf agrees the file carries the note, in its own section.
  const notes = execFileSync('readelf', ['-nW', saved], { encoding: 'utf8' });
  expect(notes).toContain('.note.nixos.ldcache');
  expect(execFileSync('readelf', ['-lSW', saved], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).not.toMatch(/warning|error/i);

  // Re-opened alone in the page: the note is decoded, glibc would accept it, and it is stale
  // here, since the libraries it records are not in this workspace.
  await page.getByLabel('Choose files').setInputFiles(saved);
  await expect(page.getByTestId('workspace-source')).toContainText('1 dropped file');
  await page.getByRole('tab', { name: 'ELF details' }).click();
  await expect(page.getByTestId('ldcache-verdict')).toContainText('glibc would accept');
  await expect(page.getByTestId('stale-verdict')).toContainText('The resolution note is stale.');
});

test('a corrupt ELF shows its code and byte offset; a broken archive too; the app keeps working', async ({ page }) => {
  const manifest = JSON.parse(readFileSync('tests/fixtures/bad/manifest.json', 'utf8')) as { file: string; code: string; offset: number }[];
  // A file that starts like ELF (so it is catalogued) and fails later in the header.
  const bad = manifest.find((c) => c.code === 'elf_bad_class')!;
  await openDemo(page);
  await page.getByLabel('Choose files').setInputFiles(join('tests/fixtures/bad', bad.file));
  const problem = page.getByTestId('parse-error');
  await expect(problem.getByTestId('error-code')).toHaveText(bad.code);
  await expect(problem.getByTestId('error-offset')).toHaveText(`0x${bad.offset.toString(16)}`);

  // A tar.gz cut short: the archive's error with its offset; the previous workspace stays.
  const cut = join(scratch, 'cut.tar.gz');
  const whole = gzipSync(readFileSync(DEMO_TAR));
  writeFileSync(cut, whole.subarray(0, whole.length >> 1));
  await page.getByLabel('Choose files').setInputFiles(cut);
  await expect(page.getByTestId('drop-error').getByTestId('error-code')).toHaveText(/^archive_/);
  await expect(page.getByTestId('workspace-source')).toContainText('1 dropped file');

  await page.getByRole('button', { name: 'Open the demo' }).first().click();
  await expect(page.getByTestId('workspace-source')).toContainText(DEMO.archive);
  await expectTotals(page, cliTrace(demoArgs(DEMO_TAR)));
});

/** The view idb-keyval has stored (its default database), read the way the page reads it. */
function storedView(page: Page): Promise<{ program: string | null; settings: { cpu: string } } | undefined> {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('keyval-store');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction('keyval').objectStore('keyval').get('stormglass:view');
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    };
  }));
}

test('a reload restores the workspace, selection and settings; Clear workspace forgets them', async ({ page }) => {
  await openDemo(page);
  await page.getByLabel('Choose files').setInputFiles(['/usr/bin/ls', '/usr/bin/cat']);
  await page.getByTestId('program-select').selectOption('/cat');
  await page.getByLabel('CPU level').selectOption('x86-64-v2');
  await expect(page.getByTestId('status')).toHaveText('Traced /cat.');
  // Saving is asynchronous: a reload within the same moment could beat it.
  await expect.poll(async () => (await storedView(page))?.settings.cpu).toBe('x86-64-v2');
  await page.goto('/'); // no permalink: what IndexedDB kept
  await expect(page.getByTestId('workspace-source')).toContainText('2 dropped files');
  await expect(page.getByTestId('program-select')).toHaveValue('/cat');
  await expect(page.getByLabel('CPU level')).toHaveValue('x86-64-v2');
  await expect(page.getByTestId('status')).toHaveText('Traced /cat.');

  await page.getByTestId('clear-workspace').click();
  // The page empties once the stored workspace is deleted.
  await expect(page.getByTestId('workspace')).toHaveCount(0);
  await page.goto('/');
  await expect(page.getByTestId('workspace-source')).toContainText(DEMO.archive);
});

test('a full storage quota is shown, and the dropped files stay open', async ({ page }) => {
  await page.addInitScript(() => {
    // The browser's answer when the origin is over quota: IndexedDB refuses the write.
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (args[0] && typeof args[0] === 'object' && 'entries' in (args[0] as object)) throw new DOMException('quota', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  await openDemo(page);
  await page.getByLabel('Choose files').setInputFiles('/usr/bin/ls');
  await expect(page.getByTestId('storage-problem')).toContainText('storage quota is full');
  await expect(page.getByTestId('workspace-source')).toContainText('1 dropped file');
  await expect(page.getByTestId('status')).toHaveText('Traced /ls.');
});

test('a 250 MB archive reads in the worker; a job can be cancelled even while the worker is stuck', async ({ page }) => {
  const big = join(scratch, 'big.tar');
  const filler = join(scratch, 'filler.bin');
  execFileSync('truncate', ['-s', '250M', filler]);
  execFileSync('tar', ['-cf', big, '-C', scratch, 'filler.bin']);
  rmSync(filler);
  await openDemo(page);

  // The whole archive: read, unpacked and catalogued in the worker.
  await page.getByLabel('Choose files').setInputFiles(big);
  await expect(page.getByTestId('workspace-source')).toContainText('big.tar (tar): 1 file, 0 ELF.');

  // Hold the worker in synchronous work (as a huge unpack would), then drop the archive again:
  // the page still answers, shows the reading stage, and Cancel ends the job.
  const worker = page.workers().find((w) => w.url().includes('engine.worker'))!;
  void worker.evaluate(() => {
    const until = Date.now() + 60_000;
    while (Date.now() < until); // released only by terminate()
  }).catch(() => undefined);
  await page.getByLabel('Choose files').setInputFiles(big);
  const progress = page.getByTestId('progress');
  await expect(progress).toContainText('Reading…');
  await page.evaluate(() => undefined); // answers only while the page's main thread is free
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  // The workspace that was open comes back in a fresh worker.
  await expect(page.getByTestId('workspace-source')).toContainText('big.tar (tar)');
  await expect(progress).toHaveCount(0);
  rmSync(big);
});

test('export: the JSON is stormglass trace --json, and the shown command line reproduces it', async ({ page }) => {
  await openDemo(page);
  await page.getByRole('tab', { name: 'Export' }).click();
  const command = await page.getByTestId('command-line').inputValue();
  expect(command).toContain(`--cpu ${DEMO.cpu}`);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const saved = join(scratch, 'trace.json');
  await json.saveAs(saved);
  // Run the shown command (with the archive's real path and the built CLI) and compare.
  const words = command.replace(/^stormglass trace /, '').replace(`--archive ${DEMO.archive}`, `--archive ${DEMO_TAR}`);
  const fromCli = execFileSync('bash', ['-c', `node bin/stormglass.js trace --json ${words}`], { encoding: 'utf8' });
  expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual(JSON.parse(fromCli));

  const [strace] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-strace').click()]);
  const straceFile = join(scratch, 'trace.strace');
  await strace.saveAs(straceFile);
  const fromCliStrace = execFileSync('bash', ['-c', `node bin/stormglass.js trace --strace ${words}`], { encoding: 'utf8' });
  expect(readFileSync(straceFile, 'utf8')).toBe(fromCliStrace);
});

test('loose files go where the user places them; a relative place is refused with a reason', async ({ page }) => {
  await openDemo(page);
  const at = page.getByLabel('Place files and folders at');
  await at.fill('usr/bin');
  await expect(page.getByText('Give an absolute directory without . or .. components.')).toBeVisible();
  await expect(page.getByLabel('Choose files')).toBeDisabled();
  await at.fill('/usr/bin');
  await page.getByLabel('Choose files').setInputFiles('/usr/bin/ls');
  await expect(page.getByTestId('workspace-source')).toContainText('1 dropped file at /usr/bin');
  await expect(page.getByTestId('program-select')).toHaveValue('/usr/bin/ls');
  await expect(page.getByTestId('status')).toHaveText('Traced /usr/bin/ls.');
});

test('every knob of the loader model: the page and its command line trace alike', async ({ page }) => {
  await openDemo(page);
  await page.getByLabel('glibc version').selectOption({ label: '2.36' });
  await page.getByLabel('Nix mode').selectOption({ label: 'Off' });
  const libDir = DEMO.program.replace(/\/bin\/[^/]+$/, '/lib');
  await page.getByLabel('LD_LIBRARY_PATH').fill(`/nowhere:${libDir}`);
  await page.getByLabel('LD_LIBRARY_PATH').press('Enter');
  await page.getByLabel('LD_PRELOAD').fill('libz.so.1');
  await page.getByLabel('LD_PRELOAD').press('Enter');
  await page.getByLabel('dlopen calls').fill('libxml2.so.2\nlibmissing.so.9');
  await page.getByLabel('dlopen calls').blur();
  await page.getByLabel('Note-aware loader').check();
  await expect(page).toHaveURL(/glibc=2\.36/);
  await expect(page).toHaveURL(/dlopen=libmissing/);
  await page.getByRole('tab', { name: 'Export' }).click();
  const command = await page.getByTestId('command-line').inputValue();
  for (const flag of ['--glibc 2.36', '--no-nix', '--note-aware', '--dlopen libxml2.so.2', '--env LD_PRELOAD=libz.so.1']) expect(command).toContain(flag);
  const words = command.replace(/^stormglass trace /, '').replace(`--archive ${DEMO.archive}`, `--archive ${DEMO_TAR}`);
  const expected = JSON.parse(execFileSync('bash', ['-c', `node bin/stormglass.js trace --json ${words} || true`], { encoding: 'utf8' }));
  expect(expected.dlopens.map((d: { error: string | null }) => d.error === null)).toEqual([true, false]);
  await expectTotals(page, expected);

  // Secure mode drops LD_LIBRARY_PATH: the storm comes back, as the CLI says.
  await page.getByLabel('Secure mode (AT_SECURE)').check();
  const secure = await page.getByTestId('command-line').inputValue();
  expect(secure).toContain('--secure');
  const secureWords = secure.replace(/^stormglass trace /, '').replace(`--archive ${DEMO.archive}`, `--archive ${DEMO_TAR}`);
  await expectTotals(page, JSON.parse(execFileSync('bash', ['-c', `node bin/stormglass.js trace --json ${secureWords} || true`], { encoding: 'utf8' })));
});

test('the search tree filters by name and shows failing probes only, by text and icon', async ({ page }) => {
  await openDemo(page);
  await page.getByLabel('Filter probes and libraries').fill('libcurl');
  const rows = page.getByTestId('lookup-row');
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) await expect(row).toContainText(/libcurl/i);
  await page.getByLabel('Filter probes and libraries').fill('');
  await page.getByLabel('Show').selectOption({ label: 'failing only' });
  await page.getByRole('button', { name: 'Expand all failing' }).click();
  const probes = page.getByTestId('probe-row');
  await expect(probes.first()).toBeVisible();
  for (const probe of await probes.all()) await expect(probe).toContainText('✗');
  // glibc-hwcaps subdirectory probes are tagged as such.
  await expect(probes.filter({ hasText: 'glibc-hwcaps/x86-64-v3' }).first()).toBeVisible();
});
