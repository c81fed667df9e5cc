// Aggregate: adds up the regions' counts into the job's totals. Regions that were skipped are listed in ctx.missing.
import { delayStats, delaySummary } from './flight-stats.mjs';

export default async function combineFlights(_input, ctx) {
  const regions = Object.values(ctx.upstream);
  let flights = 0;
  let delayMinutes = 0;
  let delayed = 0;
  let distanceMiles = 0;
  let noDelay = 0;
  let firstDate = null;
  let lastDate = null;
  const flightsByOrigin = {};
  for (const r of regions) {
    flights += r.records;
    delayMinutes += r.delayMinutes;
    delayed += r.delayed;
    distanceMiles += r.distanceMiles;
    noDelay += r.noDelay;
    // ISO strings of one format compare as dates.
    if (r.firstDate && (!firstDate || r.firstDate < firstDate)) firstDate = r.firstDate;
    if (r.lastDate && (!lastDate || r.lastDate > lastDate)) lastDate = r.lastDate;
    for (const [airport, n] of Object.entries(r.flightsByOrigin)) flightsByOrigin[airport] = (flightsByOrigin[airport] ?? 0) + n;
  }
  const stats = delayStats({ flights, delayMinutes, delayed, distanceMiles, flightsByOrigin });
  const top = Object.entries(flightsByOrigin).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
  const missing = Object.keys(ctx.missing ?? {});
  return {
    regions: regions.length,
    missing,
    records: flights,
    delayMinutes,
    delayed,
    distanceMiles,
    noDelay,
    airports: Object.keys(flightsByOrigin).length,
    firstDate,
    lastDate,
    ...stats,
    busiestOrigins: top.map(([airport, n]) => ({ airport, flights: n })),
    summary:
      `${regions.length} regions, ${delaySummary(stats)}, ${firstDate?.slice(0, 10)} to ${lastDate?.slice(0, 10)}` +
      `${missing.length ? `; missing ${missing.join(', ')}` : ''}`,
  };
}
