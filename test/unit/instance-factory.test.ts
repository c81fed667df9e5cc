import { describe, expect, it } from 'vitest';
import { toInstanceFactory } from '../../electron/engine/worker/instance-factory.ts';
import { INSTANCE_FACTORY_MARK } from '../../electron/engine/worker/instance-query.ts';

// The rewrite that gives pooled attempts a fresh processor instance per call. Each case evaluates the
// rewritten source as a real ES module (a data: URL) and calls its factory, as a pooled thread does.

type Factory = () => Promise<unknown>;

async function factoryOf(source: string): Promise<Factory> {
  const rewritten = toInstanceFactory(source);
  if (rewritten === null) throw new Error('not rewritten');
  const mod = (await import(`data:text/javascript,${encodeURIComponent(rewritten)}`)) as { default: Factory };
  return mod.default;
}

describe('toInstanceFactory', () => {
  it('re-runs the module body per call: module-level state starts clean every time', async () => {
    const make = await factoryOf(`let calls = 0;\nexport default function main() { calls += 1; return calls; }\n`);
    const a = (await make()) as () => number;
    const b = (await make()) as () => number;
    expect([a(), a(), b()]).toEqual([1, 2, 1]);
  });

  it('runs top-level code once per instance, including top-level await', async () => {
    const make = await factoryOf(
      `globalThis.__ifRuns = (globalThis.__ifRuns ?? 0) + 1;\nconst v = await Promise.resolve(41);\nexport default () => v + 1;\n`,
    );
    const before = (globalThis as { __ifRuns?: number }).__ifRuns ?? 0;
    const f = (await make()) as () => number;
    await make();
    expect(f()).toBe(42);
    expect((globalThis as { __ifRuns?: number }).__ifRuns).toBe(before + 2);
  });

  it('keeps imports (hoisted, so usable before their line) and import.meta', async () => {
    const make = await factoryOf(
      `const h = createHash;\nexport default function () { return [typeof h, typeof import.meta.url]; }\nimport { createHash } from 'node:crypto';\n`,
    );
    expect(((await make()) as () => unknown)()).toEqual(['function', 'string']);
  });

  it.each([
    ['a named default function', `export default function main() { return 'ok'; }`],
    ['an anonymous default function', `export default async function (input) { return 'ok'; }`],
    ['a default arrow function', `export default () => 'ok'`],
    ['a default class instance method', `class P { run() { return 'ok'; } }\nconst p = new P();\nexport default p.run;`],
    ['export { local as default }', `function main() { return 'ok'; }\nexport { main as default };`],
    ['export { local as "default" }', `const main = () => 'ok';\nexport { main as "default" };`],
    ['a default export after other named exports', `export const x = 'ok';\nexport function helper() { return x; }\nexport default helper;`],
  ])('finds the default export of %s', async (_label, source) => {
    const make = await factoryOf(source);
    expect(await ((await make()) as () => unknown)()).toBe('ok');
  });

  it('keeps an anonymous default function a statement of its own (no call on the next line)', async () => {
    const make = await factoryOf(`export default function () { return 1; }\n(globalThis.__ifNext = 'ran');\n`);
    const f = (await make()) as () => number;
    expect(f()).toBe(1);
    expect((globalThis as { __ifNext?: string }).__ifNext).toBe('ran');
  });

  it('keeps every line where it was, so stack traces point at the processor’s own lines', async () => {
    const source = [
      `import {`,
      `  join,`,
      `} from 'node:path';`,
      `export const unused = join('a', 'b');`,
      `export default function boom() {`,
      `  throw new Error('line 6');`,
      `}`,
    ].join('\n');
    const make = await factoryOf(source);
    const boom = (await make()) as () => void;
    let stack = '';
    try {
      boom();
    } catch (err) {
      stack = (err as Error).stack ?? '';
    }
    expect(stack).toMatch(/:6:\d+\)?\n/);
  });

  it('marks the module as a factory, so a processor served unrewritten is never taken for one', async () => {
    const rewritten = toInstanceFactory(`export default () => 'ok';`)!;
    const mod = (await import(`data:text/javascript,${encodeURIComponent(rewritten)}`)) as Record<string, unknown>;
    expect(mod[INSTANCE_FACTORY_MARK]).toBe(true);
  });

  it('accepts a hashbang line', async () => {
    const make = await factoryOf(`#!/usr/bin/env node\nexport default () => 'ok';\n`);
    expect(((await make()) as () => string)()).toBe('ok');
  });

  it.each([
    ['a default re-exported from another module', `export { default } from './elsewhere.mjs';`],
    ['a default re-exported by name', `export { main as default } from './elsewhere.mjs';`],
    ['no default export at all', `export const x = 1;`],
    ['source that does not parse', `export default function (`],
  ])('gives up (null, so the caller imports the module the slow way) on %s', (_label, source) => {
    expect(toInstanceFactory(source)).toBeNull();
  });
});
