// Deterministic sales data: the same region and row count always give the same file, byte for byte.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export const PRODUCTS = ['widget', 'gadget', 'gizmo', 'doohickey', 'sprocket', 'thingamajig', 'whatsit', 'contraption'];
const PRICES = [4.99, 12.5, 7.25, 19.99, 2.75, 34.0, 9.95, 59.0];

/** A small, fast, seedable PRNG (mulberry32): reproducible data without a dependency. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text) {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Writes `rows` sales rows for `region` to `file` unless it already exists; written to a temp file, then renamed. */
export async function ensureSalesFile(file, region, rows, onProgress = () => {}) {
  try {
    if ((await stat(file)).size > 0) return false;
  } catch {}
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const out = createWriteStream(tmp);
  const rand = mulberry32(seedOf(region));
  const start = Date.UTC(2026, 0, 1);
  let chunk = 'order_id,date,product,quantity,unit_price\n';
  for (let i = 1; i <= rows; i++) {
    const p = Math.floor(rand() * PRODUCTS.length);
    const qty = 1 + Math.floor(rand() * rand() * 20);
    const price = (PRICES[p] * (0.8 + rand() * 0.4)).toFixed(2);
    const day = new Date(start + Math.floor(rand() * 365) * 86_400_000).toISOString().slice(0, 10);
    chunk += `${region}-${i},${day},${PRODUCTS[p]},${qty},${price}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
      if (i % 50_000 === 0) onProgress(i);
    }
  }
  out.end(chunk);
  await new Promise((resolve, reject) => out.on('finish', resolve).on('error', reject));
  await rename(tmp, file);
  return true;
}
