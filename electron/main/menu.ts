import { basename } from 'node:path';
import { Menu, type MenuItemConstructorOptions } from 'electron';

/** What the menu shows besides fixed items. */
export interface MenuModel {
  platform: NodeJS.Platform;
  /** Job files for File › Open Recent, newest first. */
  recent: string[];
  /** Example jobs for File › Examples. */
  examples: { name: string; path: string }[];
  /** Help › links (project page, issue tracker), opened in the browser. */
  helpLinks: { label: string; url: string }[];
  /** Development build: adds the DevTools toggle. */
  dev: boolean;
}

/** What the menu items do (main's lifecycle supplies them; tests pass spies). */
export interface MenuActions {
  openJobDialog(): void;
  openJob(path: string): void;
  clearRecent(): void;
  showDataFolder(): void;
  openLink(url: string): void;
}

/** The application menu as a template (pure: tested without Electron's Menu). */
export function buildMenuTemplate(model: MenuModel, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = model.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] =
    model.recent.length === 0
      ? [{ label: 'No recent jobs', enabled: false }]
      : [
          ...model.recent.map((path) => ({ label: basename(path), toolTip: path, click: () => actions.openJob(path) })),
          { type: 'separator' as const },
          { label: 'Clear Recent', click: () => actions.clearRecent() },
        ];
  const examples: MenuItemConstructorOptions[] =
    model.examples.length === 0
      ? [{ label: 'No examples found', enabled: false }]
      : model.examples.map((e) => ({ label: e.name, toolTip: e.path, click: () => actions.openJob(e.path) }));
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Job…', accelerator: 'CmdOrCtrl+O', click: () => actions.openJobDialog() },
      { label: 'Open Recent', submenu: recent },
      { label: 'Examples', submenu: examples },
      { type: 'separator' },
      { label: 'Show Data Folder', click: () => actions.showDataFolder() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(model.dev ? [{ role: 'toggleDevTools' as const }] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      ...model.helpLinks.map((l) => ({ label: l.label, click: () => actions.openLink(l.url) })),
      ...(model.helpLinks.length > 0 && !mac ? [{ type: 'separator' as const }] : []),
      ...(mac ? [] : [{ role: 'about' as const }]),
    ],
  };
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    file,
    { role: 'editMenu' }, // copy/paste shortcuts only work on macOS when the Edit menu exists
    view,
    { role: 'windowMenu' },
    help,
  ];
}

/** Builds and sets the application menu. */
export function installMenu(model: MenuModel, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(model, actions)));
}
