import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createElectronShell } from '../../electron/main/app-shell.ts';
import { buildMenuTemplate, installMenu, type MenuActions, type MenuModel } from '../../electron/main/menu.ts';
import { fakeElectron, FakeBrowserWindow, FakeNotification } from './main-fake-electron.ts';

vi.mock('electron', async () => (await import('./main-fake-electron.ts')).fakeElectron);

const model: MenuModel = {
  platform: 'linux',
  recent: ['/jobs/a/sales.job.yaml', '/jobs/b/flaky.job.yaml'],
  examples: [{ name: 'sales-by-region', path: '/ex/sales-by-region/sales-by-region.job.yaml' }],
  helpLinks: [{ label: 'Project Page', url: 'https://example.org/dproc' }],
  dev: false,
};
const actions = {
  openJobDialog: vi.fn(),
  openJob: vi.fn(),
  clearRecent: vi.fn(),
  showDataFolder: vi.fn(),
  openLink: vi.fn(),
} satisfies MenuActions;

function submenu(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const item = items.find((i) => i.label === label || i.role === label);
  if (!item) throw new Error(`no menu item ${label}`);
  return item.submenu as MenuItemConstructorOptions[];
}

function click(item: MenuItemConstructorOptions | undefined): void {
  (item!.click as () => void)();
}

beforeEach(() => {
  fakeElectron.reset();
  for (const a of Object.values(actions)) a.mockClear();
});

describe('application menu', () => {
  it('File › Open Job… (Ctrl/Cmd+O) opens the dialog', () => {
    const file = submenu(buildMenuTemplate(model, actions), 'File');
    const open = file.find((i) => i.label === 'Open Job…');
    expect(open?.accelerator).toBe('CmdOrCtrl+O');
    click(open);
    expect(actions.openJobDialog).toHaveBeenCalled();
  });

  it('File › Open Recent lists the recent jobs newest first and can be cleared', () => {
    const recent = submenu(submenu(buildMenuTemplate(model, actions), 'File'), 'Open Recent');
    expect(recent.map((i) => i.label)).toEqual(['sales.job.yaml', 'flaky.job.yaml', undefined, 'Clear Recent']);
    click(recent[1]);
    expect(actions.openJob).toHaveBeenCalledWith('/jobs/b/flaky.job.yaml');
    click(recent[3]);
    expect(actions.clearRecent).toHaveBeenCalled();
    const empty = submenu(submenu(buildMenuTemplate({ ...model, recent: [] }, actions), 'File'), 'Open Recent');
    expect(empty).toEqual([{ label: 'No recent jobs', enabled: false }]);
  });

  it('File › Examples opens an example job', () => {
    const examples = submenu(submenu(buildMenuTemplate(model, actions), 'File'), 'Examples');
    click(examples[0]);
    expect(actions.openJob).toHaveBeenCalledWith('/ex/sales-by-region/sales-by-region.job.yaml');
  });

  it('Help links open in the browser', () => {
    const help = submenu(buildMenuTemplate(model, actions), 'help');
    click(help.find((i) => i.label === 'Project Page'));
    expect(actions.openLink).toHaveBeenCalledWith('https://example.org/dproc');
  });

  it('has the macOS app menu only on macOS, and DevTools only in development', () => {
    expect(buildMenuTemplate(model, actions)[0].role).not.toBe('appMenu');
    expect(buildMenuTemplate({ ...model, platform: 'darwin' }, actions)[0].role).toBe('appMenu');
    const roles = (m: MenuModel) => submenu(buildMenuTemplate(m, actions), 'View').map((i) => i.role);
    expect(roles(model)).not.toContain('toggleDevTools');
    expect(roles({ ...model, dev: true })).toContain('toggleDevTools');
  });

  it('installMenu sets the built menu as the application menu', () => {
    installMenu(model, actions);
    const built = fakeElectron.Menu.setApplicationMenu.mock.calls[0][0] as { template: MenuItemConstructorOptions[] };
    expect(built.template.map((i) => i.label ?? i.role)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help']);
  });
});

describe('Electron shell', () => {
  it('offers only job files (.yaml, .yml, .json) in the Open dialog, and returns the choice', async () => {
    const shell = createElectronShell();
    const parent = new FakeBrowserWindow({});
    fakeElectron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/jobs/x.job.yml'] });
    await expect(shell.pickJobFile(parent as never, '/jobs')).resolves.toBe('/jobs/x.job.yml');
    const [win, options] = fakeElectron.dialog.showOpenDialog.mock.calls[0] as [unknown, { filters: { extensions: string[] }[]; properties: string[] }];
    expect(win).toBe(parent);
    expect(options.filters[0].extensions).toEqual(['yaml', 'yml', 'json']);
    expect(options.properties).toEqual(['openFile']);
    await expect(shell.pickJobFile(undefined)).resolves.toBeUndefined();
  });

  it('sets and clears taskbar progress, and shows notifications that focus on click', () => {
    const shell = createElectronShell();
    const win = new FakeBrowserWindow({});
    shell.setProgress(win as never, { fraction: 0.4, mode: 'normal' });
    shell.setProgress(win as never, null);
    expect(win.setProgressBar.mock.calls).toEqual([[0.4, { mode: 'normal' }], [-1]]);
    const onClick = vi.fn();
    shell.notify('Run complete', 'sales: all 5 tasks complete.', onClick);
    expect(FakeNotification.shown).toHaveLength(1);
    FakeNotification.shown[0].emit('click');
    expect(onClick).toHaveBeenCalled();
  });

  it('reports a path the OS could not open', async () => {
    fakeElectron.shell.openPath.mockResolvedValueOnce('no application');
    await expect(createElectronShell().openPath('/data')).rejects.toThrow(/no application/);
  });
});
