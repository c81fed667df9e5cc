import { AbortRegistry } from './abort-listener.ts';
import { runAttempt } from './attempt-runner.ts';
import { processorThrew } from './runner-errors.ts';
import type { AttemptOutcome, ChildMessage, ParentMessage } from './protocol.ts';

// Child-process entry (forked with serialization 'advanced'): runs the one attempt its parent sends,
// reports over IPC, then exits. IPC is one ordered channel, so batches always arrive before 'done'.

const aborts = new AbortRegistry();
let finished = false;

function post(message: ChildMessage, then?: () => void): void {
  if (!process.connected) return;
  process.send?.(message, undefined, {}, (err) => {
    if (err) process.exit(1);
    then?.();
  });
}

function finish(outcome: AttemptOutcome): void {
  if (finished) return;
  finished = true;
  // Exit as soon as the outcome is written: a processor's leftover timers or sockets must not keep us alive.
  post({ type: 'done', outcome }, () => process.exit(0));
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'abort') {
    aborts.notice(message);
    return;
  }
  if (message.type === 'run') {
    const signal = aborts.start(message.task.attemptId);
    const send = (batch: Extract<ChildMessage, { type: 'batch' }>['batch']): void => post({ type: 'batch', batch });
    void runAttempt(message.task, { signal, send }).then(finish);
  }
});

// An error thrown from a processor's callback after it returned (or while it awaits) is still its throw.
function onStrayError(err: unknown): void {
  if (finished) process.exit(1);
  finish({ ok: false, error: processorThrew(err), tail: { logs: [] }, sent: 0 });
}
process.on('uncaughtException', onStrayError);
process.on('unhandledRejection', onStrayError);

// The coordinator is gone: nobody will read our result.
process.on('disconnect', () => process.exit(0));

post({ type: 'ready' });
