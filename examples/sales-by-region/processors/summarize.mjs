// Region processor: streams one region's CSV and summarises it (records, revenue, order values, top products).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ensureSalesFile } from './generate.mjs';
import { cents, orderStats, orderSummary } from './sales-stats.mjs';


export default async function summarize(input, ctx) {
  const region = input.value ?? input.region;
  const dataDir = isAbsolute(input.dataDir) ? input.dataDir : join(import.meta.dirname, '..', input.dataDir);
  const file = input.file ?? join(dataDir, `sales-${region}.csv`);
  if (!input.file) {
    const rows = input.rows ?? 250_000;
    ctx.progress(0, 1, 'generating data');
    if (await ensureSalesFile(file, region, rows, (n) => ctx.progress(n, rows * 2, `generated ${n} rows`))) {
      ctx.log(`generated ${rows} rows into ${file}`);
    }
  }
  const size = (await stat(file)).size;
  let records = 0;
  let revenue = 0;
  let min = Infinity;
  let max = -Infinity;
  let bytes = 0;
  const byProduct = new Map();
  let rest = '';
  let header = true;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20, signal: ctx.signal })) {
    bytes += Buffer.byteLength(chunk);
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (header) {
        header = false;
        continue;
      }
      if (line === '') continue;
      const f = line.split(',');
      const value = Number(f[3]) * Number(f[4]);
      if (!Number.isFinite(value)) throw new Error(`${file}: line ${records + 2}: cannot parse "${line}"`);
      records++;
      revenue += value;
      if (value < min) min = value;
      if (value > max) max = value;
      byProduct.set(f[2], (byProduct.get(f[2]) ?? 0) + value);
    }
    ctx.progress(bytes, size, `${records.toLocaleString('en-US')} rows`);
  }
  const productRevenue = Object.fromEntries([...byProduct].map(([p, v]) => [p, cents(v)]));
  const top = [...byProduct].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const stats = orderStats({ records, revenue, min, max });
  return {
    region,
    ...stats,
    productRevenue,
    summary: `${orderSummary(stats)}, top ${top.map(([p]) => p).join(', ')}`,
  };
}
