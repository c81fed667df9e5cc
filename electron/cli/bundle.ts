// The entry of the CLI bundle (out/cli/, built by bin/build-cli.ts): what bin/dproc.js needs of the CLI
// when it runs the bundle instead of these sources. Only the launcher loads the bundle, and it first
// points the engine at the bundled worker entries named in the bundle's manifest (setWorkerEntries): the
// sources next to this file, where the engine looks by default, are not part of the bundle.
export { main, stopWithLauncher } from './main.ts';
export { setWorkerEntries } from '../engine/worker/entries.ts';
