import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { applyEvent } from '../../shared/apply-event.ts';
import type { EventBatch } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { APP_DEFAULT_ON_FAILURE } from '../../electron/api/handlers.ts';
import { Engine } from '../../electron/engine/engine.ts';
import type { ServerMessage } from '../../electron/server/protocol.ts';
import { startServer, type DprocServer } from '../../electron/server/server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FLAKY = join(ROOT, 'examples', 'flaky', 'flaky.job.yaml');

type Reply = Extract<ServerMessage, { id: number | null }>;

/** A test client speaking the protocol of renderer/src/api/ws-client.ts, folding batches by the fromSeq rule. */
class Client {
  readonly ws: WebSocket;
  readonly replies: Reply[] = [];
  readonly batches: EventBatch[] = [];
  readonly runs = new Map<string, RunSnapshot>();
  gaps = 0;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  private watchers: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.receive(JSON.parse(String(data)) as ServerMessage));
  }

  static open(url: string, origin: string): Promise<Client> {
    const ws = new WebSocket(url, { origin });
    return new Promise((done, fail) => {
      ws.once('open', () => done(new Client(ws)));
      ws.once('error', fail);
    });
  }

  /** Sends a raw frame; resolves with the next reply that has no id (a frame the server could not match). */
  raw(frame: string | Buffer, binary = false): Promise<Reply> {
    return new Promise((done) => {
      this.pending.set(0, done);
      this.ws.send(frame, { binary });
    });
  }

  call(command: string, request: unknown): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((done) => {
      this.pending.set(id, done);
      this.ws.send(JSON.stringify({ id, command, request }));
    });
  }

  /** Calls a command and returns its response, throwing the error reply otherwise. */
  async request<T = Record<string, unknown>>(command: string, request: unknown): Promise<T> {
    const reply = await this.call(command, request);
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return reply.response as T;
  }

  async subscribe(runId: string): Promise<RunSnapshot> {
    const { snapshot } = await this.request<{ snapshot: RunSnapshot }>('subscribe', { runId });
    this.runs.set(runId, snapshot);
    return snapshot;
  }

  /** Resolves with the run's folded snapshot once `pred` holds (checked after every batch). */
  until(runId: string, pred: (s: RunSnapshot) => boolean): Promise<RunSnapshot> {
    return new Promise((done) => {
      const check = () => {
        const s = this.runs.get(runId);
        if (s && pred(s)) {
          this.watchers = this.watchers.filter((w) => w !== check);
          done(s);
        }
      };
      this.watchers.push(check);
      check();
    });
  }

  closed(): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
    return new Promise((done) => this.ws.once('close', (code) => done(code)));
  }

  private receive(msg: ServerMessage): void {
    if ('type' in msg) {
      this.batches.push(msg.batch);
      const s = this.runs.get(msg.batch.runId);
      if (!s) return;
      if ((msg.batch.fromSeq ?? msg.batch.events[0].seq) > s.seq + 1) {
        this.gaps++;
        return;
      }
      let next = s;
      for (const e of msg.batch.events) if (e.seq > next.seq) next = applyEvent(next, e);
      this.runs.set(msg.batch.runId, next);
      for (const w of [...this.watchers]) w();
      return;
    }
    const done = this.pending.get(msg.id ?? 0);
    this.pending.delete(msg.id ?? 0);
    this.replies.push(msg);
    done?.(msg);
  }
}

/** What became of a connection attempt: refused at the HTTP upgrade (status), or closed after it (code). */
function attempt(url: string, options: { origin?: string; headers?: Record<string, string> }): Promise<{ status?: number; code?: number; messages: number }> {
  return new Promise((done) => {
    const ws = new WebSocket(url, options);
    let messages = 0;
    ws.on('unexpected-response', (_req, res) => {
      done({ status: res.statusCode, messages });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, command: 'listRuns', request: {} })));
    ws.on('message', () => messages++);
    ws.on('close', (code) => done({ code, messages }));
    ws.on('error', () => {});
  });
}

let tmp: string;
let engine: Engine;
let server: DprocServer;
let wsUrl: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dproc-ws-'));
  engine = Engine.open({ dataDir: join(tmp, 'data'), defaultOnFailure: APP_DEFAULT_ON_FAILURE });
  server = await startServer({ engine, port: 0, staticDir: join(tmp, 'no-build'), workspaceDir: tmp });
  wsUrl = `ws://127.0.0.1:${server.port}/ws?token=${server.token}`;
});

afterAll(async () => {
  await server.close();
  await engine.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('dproc serve WebSocket: who may connect', () => {
  it('refuses no token (close 4401) and a wrong token (close 4403) without answering anything', async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    expect(await attempt(base, { origin: server.origin })).toEqual({ code: 4401, messages: 0 });
    expect(await attempt(`${base}?token=${'0'.repeat(64)}`, { origin: server.origin })).toEqual({ code: 4403, messages: 0 });
    expect(await attempt(base, { origin: server.origin, headers: { cookie: `dproc_token_${server.port}=nope` } })).toEqual({ code: 4403, messages: 0 });
  });

  it('refuses a foreign, missing or https Origin at the upgrade (403), even with the token', async () => {
    for (const origin of ['http://evil.com', `http://evil.com:${server.port}`, `https://127.0.0.1:${server.port}`, 'null', undefined]) {
      expect(await attempt(wsUrl, { origin }), String(origin)).toEqual({ status: 403, messages: 0 });
    }
  });

  it('refuses a foreign Host header at the upgrade (403)', async () => {
    const r = await attempt(wsUrl, { origin: 'http://evil.com', headers: { host: 'evil.com' } });
    expect(r).toEqual({ status: 403, messages: 0 });
    const r2 = await attempt(wsUrl, { origin: server.origin, headers: { host: 'evil.com' } });
    expect(r2).toEqual({ status: 403, messages: 0 });
  });

  it('refuses upgrades on other paths (404)', async () => {
    expect(await attempt(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, { origin: server.origin })).toEqual({ status: 404, messages: 0 });
  });

  it('accepts the token from the cookie, and localhost as Origin', async () => {
    const ws = new WebSocket(`ws://localhost:${server.port}/ws`, { origin: `http://localhost:${server.port}`, headers: { cookie: `dproc_token_${server.port}=${server.token}` } });
    const reply = await new Promise<Reply>((done) => {
      ws.on('open', () => ws.send(JSON.stringify({ id: 3, command: 'listRuns', request: {} })));
      ws.on('message', (d) => done(JSON.parse(String(d)) as Reply));
    });
    expect(reply).toMatchObject({ id: 3, ok: true, response: { runs: expect.any(Array) } });
    ws.close();
  });
});

describe('dproc serve WebSocket: protocol', () => {
  let client: Client;
  beforeAll(async () => {
    client = await Client.open(wsUrl, server.origin);
  });
  afterAll(() => client.ws.close());

  it('answers malformed frames with an error reply and keeps serving', async () => {
    expect(await client.raw('{not json')).toMatchObject({ id: null, ok: false, error: { code: 'DPROC_E_BAD_MESSAGE' } });
    expect(await client.raw('[1,2]')).toMatchObject({ id: null, ok: false, error: { code: 'DPROC_E_BAD_MESSAGE' } });
    expect(await client.raw(JSON.stringify({ id: 'x', command: 'listRuns' }))).toMatchObject({ id: null, ok: false, error: { code: 'DPROC_E_BAD_MESSAGE' } });
    expect(await client.raw(Buffer.from('{}'), true)).toMatchObject({ id: null, ok: false, error: { code: 'DPROC_E_BAD_MESSAGE' } });
    expect(await client.raw(JSON.stringify({ id: 1, command: 'listRuns', request: { pad: 'x'.repeat(100_000) } }))).toMatchObject({
      id: null,
      ok: false,
      error: { code: 'DPROC_E_BAD_MESSAGE', message: expect.stringContaining('too large') },
    });
    expect(await client.call('dropTables', {})).toMatchObject({ ok: false, error: { code: 'DPROC_E_BAD_REQUEST' } });
    expect(await client.call('getSnapshot', { runId: 'a b' })).toMatchObject({ ok: false, error: { code: 'DPROC_E_BAD_REQUEST', message: expect.stringMatching(/^getSnapshot: runId/) } });
    expect(await client.call('getSnapshot', { runId: 'nope' })).toMatchObject({ ok: false, error: { code: 'DPROC_E_RUN_NOT_FOUND' } });
    expect(await client.call('listJobs', {})).toMatchObject({ ok: true, response: { jobs: expect.arrayContaining([expect.objectContaining({ name: 'flaky', source: 'example' })]) } });
  });

  it('refuses a job path outside examples and the workspace', async () => {
    expect(await client.call('startRun', { path: join(ROOT, 'test', 'fixtures', 'jobs', 'good-defaults.yaml') })).toMatchObject({
      ok: false,
      error: { code: 'DPROC_E_PATH_NOT_ALLOWED' },
    });
  });

  it('closes a socket that sends a frame over 1 MiB (1009)', async () => {
    const big = await Client.open(wsUrl, server.origin);
    big.ws.send('x'.repeat(1024 * 1024 + 10));
    expect(await big.closed()).toBe(1009);
  });
});

describe('dproc serve WebSocket: a flaky run, end to end', () => {
  it('streams batches in seq order; retry and skip act on the run, also after it was released', async () => {
    const client = await Client.open(wsUrl, server.origin);
    const { runId } = await client.request<{ runId: string }>('startRun', { path: FLAKY, concurrency: 6 });
    const start = await client.subscribe(runId);
    expect(start.order).toContain('region-broken');

    const attention = await client.until(runId, (s) => s.state === 'NEEDS_ATTENTION');
    expect(attention.tasks['region-broken'].state).toBe('FAILED');
    expect(attention.tasks['region-broken'].attempts).toHaveLength(3);
    expect(attention.tasks.aggregate.state).toBe('BLOCKED');
    expect(engine.coordinator(runId)).toBeDefined(); // kept while it waits for a person

    // Skip whatever failed (region-broken always; region-hang when its timeouts used up its retries).
    const failed = attention.order.filter((id) => attention.tasks[id].state === 'FAILED');
    expect(failed).toContain('region-broken');
    for (const taskId of failed) {
      expect(await client.request('skipTask', { runId, taskId })).toMatchObject({ action: 'skip', allowed: true, affected: expect.arrayContaining([taskId, 'aggregate']) });
    }
    const partial = await client.until(runId, (s) => s.state === 'PARTIAL');
    expect(partial.tasks.aggregate.state).toBe('COMPLETE');
    const { output } = await client.request<{ output: { missing: string[] } }>('getTaskOutput', { runId, taskId: 'aggregate' });
    expect(output.missing.sort()).toEqual([...failed].sort());

    // PARTIAL is final: the coordinator is released; a retry resumes the run and the stream goes on.
    await until(() => engine.coordinator(runId) === undefined);
    expect(await client.request('retryTask', { runId, taskId: 'region-broken' })).toMatchObject({ allowed: true, affected: ['region-broken', 'aggregate'] });
    const again = await client.until(runId, (s) => s.state === 'NEEDS_ATTENTION');
    expect(again.tasks['region-broken'].state).toBe('FAILED');
    expect(again.tasks.aggregate.state).toBe('BLOCKED');
    await client.request('cancelRun', { runId });
    await client.until(runId, (s) => s.state === 'CANCELLED');

    // The stream: seq strictly increasing, each batch continuing the last, nothing lost.
    const mine = client.batches.filter((b) => b.runId === runId);
    for (let i = 1; i < mine.length; i++) {
      expect(mine[i].seq).toBeGreaterThan(mine[i - 1].seq);
      expect(mine[i].fromSeq).toBeLessThanOrEqual(mine[i - 1].seq + 1);
    }
    expect(client.gaps).toBe(0);
    const { snapshot } = await client.request<{ snapshot: RunSnapshot }>('getSnapshot', { runId });
    const folded = client.runs.get(runId)!;
    expect(folded.seq).toBe(snapshot.seq);
    expect(folded.counts).toEqual(snapshot.counts);
    expect(JSON.parse(JSON.stringify(folded.tasks))).toEqual(snapshot.tasks);
    client.ws.close();
  });
});

describe('dproc serve as a command', () => {
  it('on SIGTERM releases live runs (INTERRUPTED, resumable), closes sockets with 1001 and exits 0', async () => {
    const dataDir = join(tmp, 'cli-data');
    const child = spawn(process.execPath, [join(ROOT, 'electron', 'cli', 'main.ts'), 'serve', '--port', '0', '--no-open', '--data-dir', dataDir, '--workspace', tmp], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})/.exec(stdout);
        if (m) done(m[0]);
      });
      child.once('exit', (code) => fail(new Error(`serve exited early (${code}): ${stdout}`)));
    });
    const { port, searchParams } = new URL(url);
    const client = await Client.open(`ws://127.0.0.1:${port}/ws?token=${searchParams.get('token')}`, `http://127.0.0.1:${port}`);
    const { runId } = await client.request<{ runId: string }>('startRun', { path: FLAKY, concurrency: 6 });
    await client.subscribe(runId);
    await client.until(runId, (s) => s.counts.IN_PROGRESS > 0);

    const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const closeCode = client.closed();
    child.kill('SIGTERM');
    expect(await closeCode).toBe(1001);
    expect(await exit).toBe(0);
    expect(stdout).toContain('Released 1 run');
    expect(stdout).toContain(runId);

    const after = Engine.open({ dataDir });
    try {
      expect(after.store.getRunSummary(runId).state).toBe('INTERRUPTED');
    } finally {
      await after.close();
    }
  });
});

/** Waits for a condition the server reaches on its own (releasing a settled run), checking every 5 ms. */
async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
