import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RunStore } from '../../electron/engine/store/run-store.ts';

const STORE_MODULE = pathToFileURL(join(import.meta.dirname, '../../electron/engine/store/run-store.ts')).href;
const BATCH = 200;

/**
 * The child: creates the run (or, after an earlier kill, takes it over), then appends batches of BATCH log
 * lines plus an output that names the batch, as fast as it can, reporting each commit, until it is killed.
 */
const CHILD = `
const [storeModule, dataDir, batchSize] = process.argv.slice(1);
const { RunStore } = await import(storeModule);
const { hostname } = await import('node:os');
const store = RunStore.open(dataDir);
const task = { id: 't1', name: 't1', processor: '/p.mjs', input: {}, blockedBy: [], retries: 0, backoffMs: 0,
  maxBackoffMs: 0, timeoutMs: 1000, memoryLimitMb: 64, isolation: 'thread' };
if (!store.hasRun('crash')) {
  store.createRun({ type: 'run.created', at: Date.now(), runId: 'crash', plan: { name: 'crash', file: '/crash.yaml', tasks: [task] },
    options: { concurrency: 1, onFailure: 'fail' } });
}
store.claimRun('crash', { pid: process.pid, host: hostname() });
const counts = { BLOCKED: 1, QUEUED: 0, IN_PROGRESS: 0, RETRYING: 0, COMPLETE: 0, FAILED: 0, SKIPPED: 0, UPSTREAM_FAILED: 0, CANCELLED: 0 };
const first = (store.getRunSummary('crash').lastSeq - 1) / Number(batchSize) + 1;
for (let b = first; ; b++) {
  const events = [];
  for (let i = 0; i < Number(batchSize); i++) {
    events.push({ type: 'task.log', at: Date.now(), taskId: 't1', attempt: 1, stream: 'stdout', text: 'batch ' + b + ' line ' + i });
  }
  store.append('crash', events, [{ taskId: 't1', attemptId: 'a1', bytes: new TextEncoder().encode('batch ' + b) }],
    { state: 'RUNNING', counts });
  process.stdout.write('committed ' + b + '\\n');
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dproc-store-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the child until it reports `batches` more commits, then SIGKILLs it; returns the last batch it reported. */
async function runAndKill(batches: number): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, STORE_MODULE, dir, String(BATCH)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  let first = 0;
  let reported = 0;
  let killing = false;
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = [...buf.matchAll(/committed (\d+)/g)];
      if (m.length === 0) return;
      first ||= Number(m[0][1]);
      reported = Number(m[m.length - 1][1]);
      if (reported - first + 1 >= batches && !killing) {
        killing = true;
        // Not at once: the child would still be between two appends. After a few ms it is almost
        // always inside one (appending is nearly all it does), at a different point each round.
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 2 + Math.random() * 8);
      }
    });
    child.once('exit', () => reject(new Error(`child exited before it was killed: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');
  return reported;
}

/** The journal holds run.created plus whole batches 1..k in order, and the output of batch k; returns k. */
function expectConsistent(store: RunStore): number {
  const events = store.readEvents('crash');
  const n = events.length;
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect((n - 1) % BATCH).toBe(0);
  const batches = (n - 1) / BATCH;
  for (let b = 0; b < batches; b++) {
    const texts = events.slice(1 + b * BATCH, 1 + (b + 1) * BATCH).map((e) => (e.type === 'task.log' ? e.text : e.type));
    expect(texts).toEqual(Array.from({ length: BATCH }, (_, i) => `batch ${b + 1} line ${i}`));
  }
  expect(new TextDecoder().decode(store.getOutput('crash', 't1'))).toBe(`batch ${batches}`);
  expect(store.getRunSummary('crash').lastSeq).toBe(n);
  return batches;
}

it('keeps a consistent journal across repeated SIGKILLs of the writing process mid-append', async () => {
  // Three crash-and-take-over rounds: each kill lands at a random point, so one round could miss a bug.
  for (const more of [60, 40, 80]) {
    const reported = await runAndKill(more);
    const store = RunStore.open(dir);
    try {
      expect(expectConsistent(store)).toBeGreaterThanOrEqual(reported);
    } finally {
      store.close();
    }
  }

  const store = RunStore.open(dir);
  try {
    const n = store.getRunSummary('crash').lastSeq;
    // Its owner is dead: the run reads as interrupted, and this process may take it over and continue.
    const snapshot = store.loadSnapshot('crash');
    expect(snapshot.state).toBe('INTERRUPTED');
    expect(snapshot.tasks.t1.logCount).toBe(n - 1);
    store.claimRun('crash', { pid: process.pid, host: hostname() });
    expect(store.append('crash', [{ type: 'run.state', at: Date.now(), state: 'CANCELLED' }])[0].seq).toBe(n + 1);
  } finally {
    store.close();
  }
});
