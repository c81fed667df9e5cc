import { describe, expect, it } from 'vitest';
import { toInstanceFactory } from '../../electron/engine/worker/instance-factory.ts';
import { INSTANCE_FACTORY_MARK } from '../../electron/engine/worker/instance-query.ts';

// The rewrite that gives pooled attempts a fresh processor instance per call. Each case evaluates the
// rewritten source as a real ES module (a data: URL) and calls its factory, as a pooled thread does.

type Namespace = Record<string, unknown>;
type LocalImport = (specifier: string) => Promise<Namespace>;
type Factory = () => Promise<unknown>;

/** The rewritten module's factory; each call makes an instance and gives its default export. */
async function factoryOf(source: string, localImport: LocalImport = noLocalImports): Promise<Factory> {
  const rewritten = toInstanceFactory(source);
  if (rewritten === null) throw new Error('not rewritten');
  const mod = (await import(`data:text/javascript,${encodeURIComponent(rewritten)}`)) as { default: (local: LocalImport) => Promise<Namespace> };
  return async () => (await mod.default(localImport)).default;
}

async function noLocalImports(specifier: string): Promise<Namespace> {
  throw new Error(`unexpected local import of ${specifier}`);
}

describe('toInstanceFactory', () => {
  it('turns local imports into per-instance calls, and returns every export (live through getters)', async () => {
    const helper = toInstanceFactory(`export let count = 0;\nexport function bump() { return ++count; }\nexport default 'helper';\n`)!;
    const helperMod = (await import(`data:text/javascript,${encodeURIComponent(helper)}`)) as { default: (local: LocalImport) => Promise<Namespace> };
    const asked: string[] = [];
    const localImport: LocalImport = (specifier) => {
      asked.push(specifier);
      return helperMod.default(noLocalImports);
    };
    const make = await factoryOf(
      `import name, { bump } from './helper.mjs';\nimport * as ns from './helper.mjs';\nexport { bump as again } from './helper.mjs';\nexport default () => [name, bump(), bump(), ns.count];\n`,
      localImport,
    );
    const first = (await make()) as () => unknown[];
    const second = (await make()) as () => unknown[];
    expect(asked).toEqual(['./helper.mjs', './helper.mjs', './helper.mjs', './helper.mjs', './helper.mjs', './helper.mjs']);
    // Each import got its own helper instance here (the loader shares one per attempt); ns.count is live.
    expect(first()).toEqual(['helper', 1, 2, 0]);
    expect(second()).toEqual(['helper', 1, 2, 0]);
  });

  it('keeps every line where it was when it rewrites a local import', () => {
    const source = `import {\n  a,\n  b,\n} from './x.mjs';\nexport default () => a + b;\n`;
    const rewritten = toInstanceFactory(source)!;
    const body = rewritten.slice(0, rewritten.indexOf(';return'));
    const lines = body.split('\n');
    expect(lines.findIndex((line) => line.includes('=> a + b'))).toBe(4);
    expect(lines[0]).toContain("await __dprocLocal(\"./x.mjs\")");
  });

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
    ['export * from another module (its names are unknown here)', `export * from './elsewhere.mjs';`],
    ['a destructuring export', `const o = { a: 1 };\nexport const { a } = o;\nexport default () => a;`],
    ['a local import with attributes', `import data from './data.json' with { type: 'json' };\nexport default () => data;`],
    ['source that does not parse', `export default function (`],
  ])('gives up (null, so the caller imports the module the slow way) on %s', (_label, source) => {
    expect(toInstanceFactory(source)).toBeNull();
  });
});
