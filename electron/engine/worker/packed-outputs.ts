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

/**
 * Packs outputs keyed by task id into one buffer. The coordinator packs as soon as it has read them, so
 * that for a 100,000-region aggregate only the packed copy lives while the attempt runs, not 100,000
 * Uint8Arrays and an object keyed by 100,000 ids.
 */
export function packOutputs(outputs: ReadonlyMap<string, Uint8Array>): PackedOutputs {
  const ids = new Array<string>(outputs.size);
  const ends = new Uint32Array(outputs.size);
  let total = 0;
  let i = 0;
  for (const [id, bytes] of outputs) {
    ids[i] = id;
    total += bytes.byteLength;
    ends[i++] = total;
  }
  const packed = new Uint8Array(total);
  i = 0;
  for (const bytes of outputs.values()) {
    packed.set(bytes, i === 0 ? 0 : ends[i - 1]);
    i++;
  }
  return { ids, ends, bytes: packed };
}

/** The outputs of a packed buffer, as views into it (no copy), in order. */
export function* unpackOutputs(packed: PackedOutputs): Generator<[string, Uint8Array]> {
  let start = 0;
  for (let i = 0; i < packed.ids.length; i++) {
    yield [packed.ids[i], packed.bytes.subarray(start, packed.ends[i])];
    start = packed.ends[i];
  }
}
