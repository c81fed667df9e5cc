import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { unpackedPath } from '../../electron/main/asar-path.ts';
import { prepareExamplesDir } from '../../electron/main/examples.ts';
import { desktopDataDir, desktopExamplesDir, jobFileInArgs } from '../../electron/main/lifecycle.ts';
import { fakeElectron } from './main-fake-electron.ts';
import { MAX_RECENT_JOBS, RecentJobs } from '../../electron/main/recent-jobs.ts';
import { isTrustedSender } from '../../electron/main/trusted-sender.ts';

vi.mock('electron', async () => (await import('./main-fake-electron.ts')).fakeElectron);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dproc-main-support-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('trusted sender', () => {
  const page = pathToFileURL('/opt/app/resources/app.asar/out/renderer/index.html');
  const top = (url: string) => ({ url, parent: null });

  it('trusts only the top frame showing the app page', () => {
    expect(isTrustedSender(top(`${page.href}#/runs`), page)).toBe(true);
    expect(isTrustedSender(top('file:///opt/app/resources/app.asar/out/renderer/other.html'), page)).toBe(false);
    expect(isTrustedSender(top('https://evil.example/'), page)).toBe(false);
    expect(isTrustedSender({ url: page.href, parent: {} }, page)).toBe(false);
    expect(isTrustedSender(null, page)).toBe(false);
  });

  it('trusts the dev server origin in development only', () => {
    const dev = new URL('http://localhost:5173/');
    expect(isTrustedSender(top('http://localhost:5173/index.html'), dev)).toBe(true);
    expect(isTrustedSender(top('http://localhost:5174/'), dev)).toBe(false);
    expect(isTrustedSender(top(page.href), dev)).toBe(false);
  });
});

describe('worker entries in a packaged app', () => {
  it('uses the unpacked twin of a file inside app.asar when it exists', () => {
    const inAsar = ['', 'opt', 'dproc', 'resources', 'app.asar', 'out', 'main', 'chunks', 'thread-entry-1.js'].join(sep);
    const unpacked = inAsar.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
    expect(unpackedPath(inAsar, (p) => p === unpacked)).toBe(unpacked);
    expect(unpackedPath(inAsar, () => false)).toBe(inAsar);
    expect(unpackedPath('/repo/out/main/chunks/thread-entry-1.js', () => true)).toBe('/repo/out/main/chunks/thread-entry-1.js');
  });
});

describe('recent jobs', () => {
  it('keeps the newest first, once each, at most MAX_RECENT_JOBS, across restarts', () => {
    const file = join(dir, 'recent-jobs.json');
    const recent = new RecentJobs(file);
    for (let i = 0; i < MAX_RECENT_JOBS + 3; i++) recent.add(`/jobs/${i}.job.yaml`);
    recent.add('/jobs/5.job.yaml');
    const list = recent.list();
    expect(list).toHaveLength(MAX_RECENT_JOBS);
    expect(list[0]).toBe('/jobs/5.job.yaml');
    expect(new Set(list).size).toBe(list.length);
    expect(new RecentJobs(file).list()).toEqual(list);
  });

  it('starts empty from a missing or broken file, and tells listeners about changes', () => {
    const file = join(dir, 'recent-jobs.json');
    writeFileSync(file, '{ not json');
    const recent = new RecentJobs(file);
    expect(recent.list()).toEqual([]);
    const changed = vi.fn();
    recent.onChange(changed);
    recent.add('/jobs/a.job.yaml');
    recent.clear();
    expect(changed).toHaveBeenCalledTimes(2);
    expect(JSON.parse(readFileSync(file, 'utf8')).jobs).toEqual([]);
  });
});

describe('examples folder', () => {
  function bundle(): string {
    const resources = join(dir, 'resources');
    mkdirSync(join(resources, 'examples', 'sales', 'processors'), { recursive: true });
    mkdirSync(join(resources, 'examples', 'sales', 'data'), { recursive: true });
    writeFileSync(join(resources, 'examples', 'sales', 'sales.job.yaml'), 'name: sales\n');
    writeFileSync(join(resources, 'examples', 'sales', 'processors', 'p.mjs'), 'export default () => 1;\n');
    writeFileSync(join(resources, 'examples', 'sales', 'data', 'big.csv'), 'x\n');
    return resources;
  }

  it('is the repository examples/ when not packaged', () => {
    expect(prepareExamplesDir({ packaged: false, appPath: '/repo', resourcesPath: '', userData: '', version: '1' })).toBe(join('/repo', 'examples'));
  });

  it('is a writable copy in userData when packaged, without bundled data, kept across restarts', () => {
    const src = { packaged: true, appPath: '', resourcesPath: bundle(), userData: join(dir, 'user'), version: '1.0.0' };
    const target = prepareExamplesDir(src);
    expect(target).toBe(join(dir, 'user', 'examples'));
    expect(existsSync(join(target, 'sales', 'processors', 'p.mjs'))).toBe(true);
    expect(existsSync(join(target, 'sales', 'data'))).toBe(false);
    writeFileSync(join(target, 'sales', 'sales.job.yaml'), 'name: edited\n');
    prepareExamplesDir(src); // same version: untouched
    expect(readFileSync(join(target, 'sales', 'sales.job.yaml'), 'utf8')).toBe('name: edited\n');
    prepareExamplesDir({ ...src, version: '1.1.0' }); // an update refreshes jobs and processors
    expect(readFileSync(join(target, 'sales', 'sales.job.yaml'), 'utf8')).toBe('name: sales\n');
  });
});

describe('launch helpers', () => {
  it('keeps runs in DPROC_DATA_DIR, else in userData/runs', () => {
    expect(desktopDataDir({ DPROC_DATA_DIR: join(dir, 'd') }, '/u')).toBe(join(dir, 'd'));
    expect(desktopDataDir({}, '/u')).toBe(join('/u', 'runs'));
  });

  it('lists DPROC_EXAMPLES_DIR when set, else the repository examples when not packaged', () => {
    expect(desktopExamplesDir({ DPROC_EXAMPLES_DIR: join(dir, 'ex') }, '/u')).toBe(join(dir, 'ex'));
    fakeElectron.app.getAppPath.mockReturnValueOnce('/repo');
    expect(desktopExamplesDir({}, '/u')).toBe(join('/repo', 'examples'));
  });

  it('finds a job file among command-line arguments', () => {
    const job = join(dir, 'a.job.yaml');
    writeFileSync(job, 'name: a\n');
    expect(jobFileInArgs(['/usr/bin/dproc-app', '--no-sandbox', 'a.job.yaml'], dir)).toBe(job);
    expect(jobFileInArgs(['/usr/bin/dproc-app', '.'], dir)).toBeUndefined();
    expect(jobFileInArgs(['/usr/bin/dproc-app', 'missing.yaml'], dir)).toBeUndefined();
  });
});
