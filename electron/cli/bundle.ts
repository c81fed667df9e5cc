// The entry of the CLI bundle (out/cli/, built by bin/build-cli.ts): what bin/dproc.js needs of the CLI
// when it runs the bundle instead of these sources. The bundle is only ever imported by the launcher,
// which first points the engine at the bundled worker entries (setWorkerEntries) named in the bundle's
// manifest; the sources next to this file are not shipped in it.
export { main, stopWithLauncher } from './main.ts';
export { setWorkerEntries } from '../engine/worker/entries.ts';
