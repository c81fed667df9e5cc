import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { packOutputs, unpackOutputs } from '../../electron/engine/worker/packed-outputs.ts';

describe('packed upstream outputs', () => {
  it('round-trips every output, in order, including empty ones', () => {
    const outputs = { a: serialize({ n: 1 }), empty: new Uint8Array(0), b: serialize('two'), c: serialize([3, 3, 3]) };
    const packed = packOutputs(new Map(Object.entries(outputs)));
    expect(packed.bytes.byteLength).toBe(Object.values(outputs).reduce((n, b) => n + b.byteLength, 0));
    const back = [...unpackOutputs(packed)];
    expect(back.map(([id]) => id)).toEqual(['a', 'empty', 'b', 'c']);
    expect(deserialize(back[0][1])).toEqual({ n: 1 });
    expect(back[1][1].byteLength).toBe(0);
    expect(deserialize(back[3][1])).toEqual([3, 3, 3]);
  });

  it('survives structured cloning as one buffer', () => {
    const packed = structuredClone(packOutputs(new Map([['x', serialize({ big: 'y'.repeat(1000) })]])));
    expect(deserialize([...unpackOutputs(packed)][0][1])).toEqual({ big: 'y'.repeat(1000) });
  });
});
