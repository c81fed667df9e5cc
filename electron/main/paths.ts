import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the built pieces of the app are, relative to the main bundle (out/main/index.js). */
export interface AppLocations {
  /** out/preload/index.cjs: CommonJS, because a sandboxed preload cannot be an ES module. */
  preload: string;
  /** out/renderer/index.html, loaded with loadFile in a packaged or `electron .` run. */
  rendererIndex: string;
  /** The electron-vite dev server (`electron-vite dev`), when there is one. */
  devServerUrl?: string;
}

// import.meta.dirname, never a hand-made __dirname: electron-vite injects its own and the bundle would not parse.
/** Locations for a main bundle living in `mainDir` (default: this bundle's own folder). */
export function appLocations(mainDir: string = import.meta.dirname, env: NodeJS.ProcessEnv = process.env): AppLocations {
  return {
    preload: join(mainDir, '..', 'preload', 'index.cjs'),
    rendererIndex: join(mainDir, '..', 'renderer', 'index.html'),
    devServerUrl: env.ELECTRON_RENDERER_URL || undefined,
  };
}

/** The page the window shows, as a URL: the dev server's, else the file URL of the built index.html. */
export function appPageUrl(locations: AppLocations): URL {
  return locations.devServerUrl ? new URL(locations.devServerUrl) : pathToFileURL(locations.rendererIndex);
}
