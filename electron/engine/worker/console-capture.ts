import { format } from './builtins.ts';
import type { LogStream } from '../../../shared/events.ts';

/** Where captured console output goes while an attempt runs. */
export type ConsoleSink = (stream: LogStream, text: string) => void;

const METHODS = [
  ['log', 'stdout'],
  ['info', 'stdout'],
  ['debug', 'stdout'],
  ['warn', 'stderr'],
  ['error', 'stderr'],
] as const;

let sink: ConsoleSink | null = null;
let installed = false;

// The console methods are patched once per worker and then dispatch to the current attempt: a processor
// that kept a reference to console.log (or logs from a stray timer later) still lands somewhere sane,
// and a worker runs one attempt at a time, so one current sink is enough.
function install(): void {
  installed = true;
  for (const [method, stream] of METHODS) {
    const original = console[method];
    console[method] = (...args: unknown[]): void => {
      if (sink) sink(stream, format(...args));
      else original.apply(console, args);
    };
  }
}

/** Routes console.log/info/debug (stdout) and warn/error (stderr) to `target`; returns the undo. */
export function captureConsole(target: ConsoleSink): () => void {
  if (!installed) install();
  sink = target;
  return () => {
    if (sink === target) sink = null;
  };
}
