import { describe, expect, it, vi } from 'vitest';
import { AttemptRouter } from '../../electron/engine/executors/attempt-router.ts';
import type { SideBatch } from '../../electron/engine/worker/protocol.ts';
import { recordingHooks } from '../fixtures/processors/harness.ts';

function batch(attemptId: string, text: string, done?: number): SideBatch {
  return { dproc: 'batch', attemptId, logs: [['log', text]], ...(done === undefined ? {} : { progress: { done } }) };
}

describe('AttemptRouter', () => {
  it('delivers batches to the hooks of the attempt they name', () => {
    const router = new AttemptRouter();
    const a = recordingHooks();
    const b = recordingHooks();
    router.register('a', a);
    router.register('b', b);
    router.deliver(batch('b', 'to b', 2));
    router.deliver(batch('a', 'to a'));
    expect(a.logs).toEqual([{ stream: 'log', text: 'to a' }]);
    expect(b.logs).toEqual([{ stream: 'log', text: 'to b' }]);
    expect(b.progress).toEqual([{ done: 2 }]);
  });

  it('completes synchronously when every side batch has arrived, delivering the tail last', () => {
    const router = new AttemptRouter();
    const hooks = recordingHooks();
    router.register('a', hooks);
    router.deliver(batch('a', 'first'));
    expect(router.complete('a', { logs: [['stderr', 'tail']] }, 1)).toBeUndefined();
    expect(hooks.logs.map((line) => line.text)).toEqual(['first', 'tail']);
  });

  it('holds an outcome back until the side batches sent before it arrive', async () => {
    const router = new AttemptRouter();
    const hooks = recordingHooks();
    router.register('a', hooks);
    const completing = router.complete('a', { logs: [['log', 'tail']], progress: { done: 3 } }, 2);
    expect(completing).toBeInstanceOf(Promise);
    router.deliver(batch('a', 'one', 1));
    expect(hooks.logs.map((line) => line.text)).toEqual(['one']);
    router.deliver(batch('a', 'two', 2));
    await completing;
    expect(hooks.logs.map((line) => line.text)).toEqual(['one', 'two', 'tail']);
    expect(hooks.progress).toEqual([{ done: 1 }, { done: 2 }, { done: 3 }]);
  });

  it('drops batches of an attempt that was dropped (aborted), even one waiting for stragglers', async () => {
    const router = new AttemptRouter();
    const hooks = recordingHooks();
    router.register('a', hooks);
    const completing = router.complete('a', { logs: [['log', 'tail']] }, 1);
    router.drop('a');
    await completing;
    router.deliver(batch('a', 'late'));
    expect(hooks.logs).toEqual([]);
  });

  it('survives a throwing hook and still delivers the rest', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const router = new AttemptRouter();
    const hooks = recordingHooks();
    const seen: string[] = [];
    hooks.onLog = (_stream, text) => {
      seen.push(text);
      if (text === 'boom') throw new Error('hook bug');
    };
    router.register('a', hooks);
    router.deliver({ dproc: 'batch', attemptId: 'a', logs: [['log', 'boom'], ['log', 'after']] });
    expect(seen).toEqual(['boom', 'after']);
    expect(warning).toHaveBeenCalledOnce();
    warning.mockRestore();
  });
});
