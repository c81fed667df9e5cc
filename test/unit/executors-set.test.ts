import { afterEach, describe, expect, it } from 'vitest';
import type { IsolationLevel } from '../../shared/states.ts';
import { createExecutor } from '../../electron/engine/executors/create-executor.ts';
import type { Executor } from '../../electron/engine/executors/executor.ts';
import { ExecutorSet } from '../../electron/engine/executors/executor-set.ts';
import { PooledExecutor } from '../../electron/engine/executors/pooled-executor.ts';
import { ProcessExecutor } from '../../electron/engine/executors/process-executor.ts';
import { ThreadExecutor } from '../../electron/engine/executors/thread-executor.ts';

function fakeFactory(): { created: [IsolationLevel, number][]; closed: IsolationLevel[]; factory: (kind: IsolationLevel, concurrency: number) => Executor } {
  const created: [IsolationLevel, number][] = [];
  const closed: IsolationLevel[] = [];
  return {
    created,
    closed,
    factory: (kind, concurrency) => {
      created.push([kind, concurrency]);
      return {
        kind,
        execute: () => Promise.resolve(new Uint8Array()),
        close: async () => {
          closed.push(kind);
        },
      };
    },
  };
}

describe('createExecutor', () => {
  const made: Executor[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((executor) => executor.close()));
  });

  it('creates the executor class of each isolation level', () => {
    const thread = createExecutor('thread', 2);
    const pooled = createExecutor('pooled', 2);
    const child = createExecutor('process', 2);
    made.push(thread, pooled, child);
    expect(thread).toBeInstanceOf(ThreadExecutor);
    expect(pooled).toBeInstanceOf(PooledExecutor);
    expect(child).toBeInstanceOf(ProcessExecutor);
  });
});

describe('ExecutorSet', () => {
  it('creates one executor per isolation level, on first use, with the run concurrency', () => {
    const fake = fakeFactory();
    const set = new ExecutorSet(3, fake.factory);
    expect(fake.created).toEqual([]);
    const first = set.get('pooled');
    expect(set.get('pooled')).toBe(first);
    set.get('process');
    expect(fake.created).toEqual([
      ['pooled', 3],
      ['process', 3],
    ]);
    expect(set.kinds()).toEqual(['pooled', 'process']);
  });

  it('passes a forecast on to each executor it created, 0 to those with nothing upcoming', () => {
    const expected: [IsolationLevel, number][] = [];
    const set = new ExecutorSet(2, (kind) => ({
      kind,
      execute: () => Promise.resolve(new Uint8Array()),
      expect: (upcoming: number) => void expected.push([kind, upcoming]),
      close: async () => {},
    }));
    set.get('thread');
    set.get('process');
    set.forecast({ thread: 2, pooled: 1 });
    expect(expected).toEqual([
      ['thread', 2],
      ['process', 0],
    ]);
  });

  it('closes every executor it created and then refuses to hand out more', async () => {
    const fake = fakeFactory();
    const set = new ExecutorSet(1, fake.factory);
    set.get('thread');
    set.get('process');
    await set.close();
    expect(fake.closed.sort()).toEqual(['process', 'thread']);
    expect(() => set.get('thread')).toThrow(/closed/);
  });
});
