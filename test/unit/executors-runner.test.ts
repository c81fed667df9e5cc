import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.ts';
import { runAttempt } from '../../electron/engine/worker/attempt-runner.ts';
import type { AttemptOutcome, SideBatch } from '../../electron/engine/worker/protocol.ts';
import { attemptOf, useScratchDir } from '../fixtures/processors/harness.ts';
import { packOutputs } from '../../electron/engine/worker/packed-outputs.ts';

// The attempt runner, called in-process: what every worker kind does with one attempt.

const scratch = useScratchDir('dproc-runner-');

function processorFile(name: string, source: string): string {
  const file = join(scratch(), name);
  writeFileSync(file, source);
  return file;
}

function run(processor: string, input: unknown = null): Promise<AttemptOutcome> {
  const sent: SideBatch[] = [];
  return runAttempt(attemptOf('echo.mjs', { processor, input }), {
    signal: new AbortController().signal,
    send: (batch) => sent.push(batch),
  });
}

function failure(outcome: AttemptOutcome): { code: string; message: string } {
  if (outcome.ok) throw new Error('expected a failed outcome');
  return outcome.error;
}

describe('runAttempt', () => {
  // A fresh instance per attempt in a reused worker needs the loader hooks a reused worker installs:
  // test/integration/executors-isolation.test.ts checks it on real threads and processes.

  it('imports the processor plainly in a single-use worker (the worker itself is what is fresh)', async () => {
    const file = processorFile('plain-counter.mjs', 'let n = 0; export default () => ++n;');
    const outputs = [await run(file), await run(file)];
    expect(outputs.map((outcome) => (outcome.ok ? deserialize(outcome.output) : null))).toEqual([1, 2]);
  });

  it("captures the processor's console output as log lines and gives the console back afterwards", async () => {
    const file = processorFile(
      'console.mjs',
      "export default () => { console.info('info', 1); console.debug('debug'); console.warn('warn'); return 0; }",
    );
    const log = vi.spyOn(console, 'log');
    const outcome = await run(file);
    expect(outcome.tail.logs).toEqual([
      ['stdout', 'info 1'],
      ['stdout', 'debug'],
      ['stderr', 'warn'],
    ]);
    expect(log).not.toHaveBeenCalled();
    console.log('after the attempt');
    expect(log).toHaveBeenCalledWith('after the attempt');
    log.mockRestore();
  });

  it('fails the attempt when the processor reports progress that is not a number', async () => {
    const file = processorFile('bad-progress.mjs', "export default (input, ctx) => ctx.progress('half');");
    const error = failure(await run(file));
    expect(error.code).toBe(ERROR_CODES.PROCESSOR_THREW);
    expect(error.message).toMatch(/done must be a finite number/);
  });

  // (A syntax error is covered by the integration tests: under vitest, import() goes through Vite.)
  it('reports a module whose top level throws as PROCESSOR_THREW with its message', async () => {
    const throwing = processorFile('top-level.mjs', "throw new Error('config missing'); export default () => 1;");
    expect(failure(await run(throwing))).toMatchObject({ code: ERROR_CODES.PROCESSOR_THREW, message: 'config missing' });
  });

  it('reports damaged upstream bytes as STORE_CORRUPT naming the upstream task', async () => {
    const outcome = await runAttempt(attemptOf('echo.mjs', { upstream: packOutputs(new Map([['north', new Uint8Array([0xff, 0x00, 0x13])]])) }), {
      signal: new AbortController().signal,
      send: () => {},
    });
    const error = failure(outcome);
    expect(error.code).toBe(ERROR_CODES.STORE_CORRUPT);
    expect(error.message).toContain('"north"');
  });
});
