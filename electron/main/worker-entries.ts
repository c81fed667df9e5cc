/// <reference types="electron-vite/node" />
// The engine resolves its worker entries next to its .ts sources, which a bundle does not ship. electron-vite's
// `?modulePath` builds each entry as its own self-contained chunk (out/main/chunks/<name>-<hash>.js, Node
// built-ins only) and gives its path. Kept out of the unit tests: importing it there would run the entries.
import { pathToFileURL } from 'node:url';
import childEntry from '../engine/worker/child-entry.ts?modulePath';
import threadEntry from '../engine/worker/thread-entry.ts?modulePath';
import { setWorkerEntries } from '../engine/worker/entries.ts';
import { unpackedPath } from './asar-path.ts';

/** Points the engine's executors at the bundled worker entries (unpacked from app.asar when packaged). */
export function useBundledWorkerEntries(): void {
  setWorkerEntries({
    thread: pathToFileURL(unpackedPath(threadEntry)),
    child: pathToFileURL(unpackedPath(childEntry)),
  });
}
