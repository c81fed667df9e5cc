import { describe, expect, it } from 'vitest';
import { ERROR_CODES, toErrorInfo } from '../../shared/errors.ts';
import { cancelled, fromChildExit, fromThreadFailure, fromWire } from '../../electron/engine/executors/attempt-errors.ts';
import { processorThrew } from '../../electron/engine/worker/runner-errors.ts';
import { attemptOf } from '../fixtures/processors/harness.ts';

const request = attemptOf('echo.mjs', { taskId: 'region-7', memoryLimitMb: 64 });

describe('attempt error mapping', () => {
  it('classifies what piscina rejects with: heap limit, process.exit, or an error escaping the thread', () => {
    const oom = Object.assign(new Error('Worker terminated due to reaching memory limit'), {
      code: 'ERR_WORKER_OUT_OF_MEMORY',
    });
    expect(fromThreadFailure(oom, request).code).toBe(ERROR_CODES.OUT_OF_MEMORY);
    const exited = fromThreadFailure(new Error('worker exited with code: 3'), request);
    expect(exited.code).toBe(ERROR_CODES.WORKER_EXITED);
    expect(exited.exitCode).toBe(3);
    const escaped = fromThreadFailure(new TypeError('x is not a function'), request);
    expect(escaped.code).toBe(ERROR_CODES.PROCESSOR_THREW);
    expect(escaped.message).toBe('x is not a function');
  });

  it("classifies a child's end: heap OOM message, signal, or exit code", () => {
    const fatal = ['', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'];
    expect(fromChildExit(request, null, 'SIGABRT', fatal).code).toBe(ERROR_CODES.OUT_OF_MEMORY);
    const crash = fromChildExit(request, null, 'SIGSEGV', []);
    expect(crash.code).toBe(ERROR_CODES.WORKER_CRASHED);
    expect(crash.signal).toBe('SIGSEGV');
    const exit = fromChildExit(request, 9, null, []);
    expect(exit.code).toBe(ERROR_CODES.WORKER_EXITED);
    expect(exit.exitCode).toBe(9);
  });

  it('names the task and the processor file in every attempt error', () => {
    const error = fromChildExit(request, 1, null, []);
    expect(error.location).toEqual({ taskId: 'region-7', file: request.processor });
    expect(error.message).toContain('region-7');
  });

  it("keeps the processor's own code beside PROCESSOR_THREW, which is what the journal sees", () => {
    const thrown = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    const wire = processorThrew(thrown);
    expect(wire).toMatchObject({ code: ERROR_CODES.PROCESSOR_THREW, message: 'no such file', processorCode: 'ENOENT' });
    expect(wire.stack).toBe(thrown.stack);
  });

  it("carries the processor's own code into the journal's ErrorInfo (toErrorInfo of the executor's error)", () => {
    const wire = processorThrew(Object.assign(new Error('no such file'), { code: 'ENOENT' }));
    const info = toErrorInfo(fromWire(wire, request));
    expect(info).toMatchObject({ code: ERROR_CODES.PROCESSOR_THREW, processorCode: 'ENOENT', message: 'no such file' });
  });

  it('renders a thrown non-Error readably', () => {
    expect(processorThrew('plain string').message).toBe('plain string');
    expect(processorThrew({ reason: 'bad' }).message).toBe("{ reason: 'bad' }");
    expect(processorThrew({ reason: 'bad' }).stack).toBeUndefined();
  });

  it('keeps the abort reason as the cause of CANCELLED, which toErrorInfo turns into the journal shape', () => {
    const reason = new Error('timeout');
    const error = cancelled(request, reason);
    expect(error.cause).toBe(reason);
    expect(toErrorInfo(error)).toMatchObject({ code: ERROR_CODES.CANCELLED });
  });
});
