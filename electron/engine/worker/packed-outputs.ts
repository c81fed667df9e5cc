/**
 * Upstream outputs as they cross into a worker: one buffer and its offsets instead of one ArrayBuffer per
 * task. An aggregate of 100,000 regions otherwise costs +229 MB and ~730 ms of structured cloning
 * (measured by bench/experiments/fan-in-message.ts); packed, +47 MB and ~170 ms.
 */
export interface PackedOutputs {
  ids: string[];
  /** ends[i] is where output i ends in `bytes` (it starts where output i-1 ended). */
  ends: Uint32Array;
  bytes: Uint8Array;
}

/** Packs outputs keyed by task id into one buffer. */
export function packOutputs(outputs: Readonly<Record<string, Uint8Array>>): PackedOutputs {
  const ids = Object.keys(outputs);
  const ends = new Uint32Array(ids.length);
  let total = 0;
  ids.forEach((id, i) => {
    total += outputs[id].byteLength;
    ends[i] = total;
  });
  const bytes = new Uint8Array(total);
  ids.forEach((id, i) => bytes.set(outputs[id], i === 0 ? 0 : ends[i - 1]));
  return { ids, ends, bytes };
}

/** The outputs of a packed buffer, as views into it (no copy), in order. */
export function* unpackOutputs(packed: PackedOutputs): Generator<[string, Uint8Array]> {
  let start = 0;
  for (let i = 0; i < packed.ids.length; i++) {
    yield [packed.ids[i], packed.bytes.subarray(start, packed.ends[i])];
    start = packed.ends[i];
  }
}
