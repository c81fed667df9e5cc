import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../electron/engine/store/run-store.ts';

describe('RunStore.resolveDataDir', () => {
  const env = { DPROC_DATA_DIR: '/env/dproc', XDG_DATA_HOME: '/xdg', HOME: '/home/u' };

  it('prefers an explicit dataDir over every environment variable', () => {
    expect(RunStore.resolveDataDir({ dataDir: '/flag', env })).toBe('/flag');
  });

  it('uses DPROC_DATA_DIR when no dataDir is given', () => {
    expect(RunStore.resolveDataDir({ env })).toBe('/env/dproc');
  });

  it('falls back to $XDG_DATA_HOME/dproc, then ~/.local/share/dproc', () => {
    expect(RunStore.resolveDataDir({ env: { XDG_DATA_HOME: '/xdg', HOME: '/home/u' } })).toBe('/xdg/dproc');
    expect(RunStore.resolveDataDir({ env: { HOME: '/home/u' } })).toBe('/home/u/.local/share/dproc');
    expect(RunStore.resolveDataDir({ env: {} })).toBe(join(homedir(), '.local', 'share', 'dproc'));
  });

  it('treats empty values as unset and ignores a relative XDG_DATA_HOME, as the XDG spec says', () => {
    expect(RunStore.resolveDataDir({ dataDir: '', env: { DPROC_DATA_DIR: '', XDG_DATA_HOME: '', HOME: '/h' } })).toBe('/h/.local/share/dproc');
    expect(RunStore.resolveDataDir({ env: { XDG_DATA_HOME: 'relative/xdg', HOME: '/h' } })).toBe('/h/.local/share/dproc');
  });

  it('makes a relative dataDir or DPROC_DATA_DIR absolute against the working directory', () => {
    expect(RunStore.resolveDataDir({ dataDir: 'data', env })).toBe(resolve('data'));
    expect(RunStore.resolveDataDir({ env: { DPROC_DATA_DIR: './d' } })).toBe(resolve('d'));
  });

  it('reads process.env when no env is passed', () => {
    const saved = process.env.DPROC_DATA_DIR;
    process.env.DPROC_DATA_DIR = '/from/process/env';
    try {
      expect(RunStore.resolveDataDir()).toBe('/from/process/env');
    } finally {
      if (saved === undefined) delete process.env.DPROC_DATA_DIR;
      else process.env.DPROC_DATA_DIR = saved;
    }
  });
});
