import { AbortRegistry } from './abort-listener.ts';
import type { AttemptReset } from './attempt-reset.ts';
import { runAttempt } from './attempt-runner.ts';
import type { AttemptOutcome, ChildMessage, ChildWorkerData, ParentMessage } from './protocol.ts';
import { getHeapStatistics } from './builtins.ts';
import { installStrayErrorGuard } from './stray-errors.ts';

// Child-process entry (forked with serialization 'advanced'). A single-use child runs the one attempt
// its parent sends, reports over IPC, then exits; a reused one (isolation `process`) runs attempts one
// after another, each reset as in a reused thread (attempt-reset.ts). IPC is one ordered channel, so
// batches always arrive before 'done'.

const { reused } = JSON.parse(process.argv[2] ?? '{"reused":false}') as ChildWorkerData;
const aborts = new AbortRegistry();
let running = false;

function post(message: ChildMessage, then?: () => void): void {
  if (!process.connected) return;
  process.send?.(message, undefined, {}, (err) => {
    if (err) process.exit(1);
    then?.();
  });
}

/** A reused child whose heap stays above half its limit after an attempt retires (leaks stay bounded). */
function heapFull(): boolean {
  const heap = getHeapStatistics();
  return heap.used_heap_size > heap.heap_size_limit / 2;
}

function finish(outcome: AttemptOutcome): void {
  running = false;
  aborts.end();
  if (reused && !outcome.retire && heapFull()) outcome = { ...outcome, retire: true };
  // A single-use child exits as soon as the outcome is written: leftover timers or sockets must not
  // keep it alive. A reused one was reset by the runner and waits for the next attempt.
  post({ type: 'done', outcome }, reused && !outcome.retire ? undefined : () => process.exit(0));
}

// A stray error outside any attempt has nobody to fail (the runner fails the attempt for one during it).
installStrayErrorGuard(() => {
  if (!reused) process.exit(1);
});

let reset: AttemptReset | undefined;

process.on('message', (message: ParentMessage) => {
  if (message.type === 'abort') {
    aborts.notice(message);
    return;
  }
  if (message.type === 'run') {
    if (running) return; // the parent sends one attempt at a time; a second would be a bug there
    running = true;
    const signal = aborts.start(message.task.attemptId);
    const send = (batch: Extract<ChildMessage, { type: 'batch' }>['batch']): void => post({ type: 'batch', batch });
    void runAttempt(message.task, { signal, send, reset }).then(finish);
  }
});

// The coordinator is gone: nobody will read our result.
process.on('disconnect', () => process.exit(0));

// Created after every listener above, so that the state it restores after each attempt includes them.
if (reused) reset = new (await import('./attempt-reset.ts')).AttemptReset({ globals: true });

post({ type: 'ready' });
