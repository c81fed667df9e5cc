// Aggregate: combines the regions' summaries into totals. Regions that were skipped are listed in ctx.missing.
import { cents, money, orderStats, orderSummary } from './sales-stats.mjs';

export default async function combine(_input, ctx) {
  const regions = Object.values(ctx.upstream);
  let records = 0;
  let revenue = 0;
  let min = Infinity;
  let max = -Infinity;
  const byProduct = {};
  for (const r of regions) {
    records += r.records;
    revenue += r.revenue;
    if (r.records > 0) {
      min = Math.min(min, r.minOrder);
      max = Math.max(max, r.maxOrder);
    }
    for (const [p, v] of Object.entries(r.productRevenue)) byProduct[p] = (byProduct[p] ?? 0) + v;
  }
  const top = Object.entries(byProduct).sort((a, b) => b[1] - a[1]).slice(0, 3);
  const stats = orderStats({ records, revenue, min, max });
  const missing = Object.keys(ctx.missing);
  return {
    regions: regions.length,
    missing,
    ...stats,
    topProducts: top.map(([product, rev]) => ({ product, revenue: cents(rev) })),
    summary:
      `${regions.length} regions, ${orderSummary(stats)}, top ${top.map(([p, v]) => `${p} (${money(v)})`).join(', ')}` +
      `${missing.length ? `; missing ${missing.join(', ')}` : ''}`,
  };
}
