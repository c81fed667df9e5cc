// Aggregate: combines the regions' summaries into totals. Regions that were skipped are listed in ctx.missing.
const money = (n) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

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
  const mean = records ? revenue / records : 0;
  const missing = Object.keys(ctx.missing);
  return {
    regions: regions.length,
    missing,
    records,
    revenue: Math.round(revenue * 100) / 100,
    minOrder: records ? min : 0,
    meanOrder: mean,
    maxOrder: records ? max : 0,
    topProducts: top.map(([product, rev]) => ({ product, revenue: Math.round(rev * 100) / 100 })),
    summary:
      `${regions.length} regions, revenue ${money(revenue)}, order min/mean/max ${money(records ? min : 0)}/${money(mean)}/${money(records ? max : 0)}, ` +
      `top ${top.map(([p, v]) => `${p} (${money(v)})`).join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}`,
  };
}
