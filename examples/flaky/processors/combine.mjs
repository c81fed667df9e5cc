// Counts what arrived and names what did not (skipped regions are in ctx.missing).
export default async function combine(_input, ctx) {
  const got = Object.entries(ctx.upstream);
  const records = got.reduce((n, [, out]) => n + (out.records ?? 0), 0);
  const missing = Object.keys(ctx.missing);
  return {
    records,
    regions: got.map(([id]) => id),
    missing,
    summary: `${got.length} regions combined${missing.length ? `, missing ${missing.join(', ')}` : ''}`,
  };
}
