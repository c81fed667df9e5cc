/**
 * Turns a structured-cloneable value (what processors return) into plain JSON values:
 * Map → object, Set → array, BigInt → string, Date → ISO string, typed arrays → arrays, Error → {name, message}.
 */
export function toJsonSafe(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonSafe(v, seen)]));
    if (value instanceof Set) return [...value].map((v) => toJsonSafe(v, seen));
    if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (n) => (typeof n === 'bigint' ? String(n) : n));
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (Array.isArray(value)) return value.map((v) => toJsonSafe(v, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const safe = toJsonSafe(v, seen);
      if (safe !== undefined) out[k] = safe;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
