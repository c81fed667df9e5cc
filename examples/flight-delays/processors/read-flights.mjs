// Region processor: reads one range of rows of a flights parquet file with hyparquet and summarises it
// (flights, delay minutes, share delayed, distance, date range, flights per origin airport).
//
// Input: { rowGroup } (or foreach's { value }): that row group of the file; or { rowStart, rowEnd }.
// Optional { file }: another parquet file with the same columns (absolute, or relative to the job
// folder); by default the 3,000,000 flights of the vega-datasets package, found by resolving the package
// from this module, so the job runs from any working directory.
import { fileURLToPath } from 'node:url';
import { isAbsolute, join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DELAYED_MINUTES, delayStats, delaySummary } from './flight-stats.mjs';

/** The parquet file of vega-datasets (its package.json exports only the JS entry, so go from there). */
export function defaultFlightsFile() {
  let entry;
  try {
    entry = import.meta.resolve('vega-datasets');
  } catch {
    throw new Error('the flights data comes from the npm package vega-datasets: run "npm ci" (it is a devDependency)');
  }
  return fileURLToPath(new URL('../data/flights-3m.parquet', entry));
}

/** The [rowStart, rowEnd) an input asks for, checked against the file's row groups. */
function rowRange(input, metadata) {
  const rows = Number(metadata.num_rows);
  if (input.rowStart !== undefined || input.rowEnd !== undefined) {
    const start = input.rowStart ?? 0;
    const end = Math.min(input.rowEnd ?? rows, rows);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end) {
      throw new Error(`rowStart/rowEnd must be integers with 0 <= rowStart <= rowEnd, got ${input.rowStart}/${input.rowEnd}`);
    }
    return { rowStart: start, rowEnd: end };
  }
  const group = Number(input.rowGroup ?? input.value);
  const groups = metadata.row_groups.length;
  if (!Number.isInteger(group) || group < 0 || group >= groups) {
    throw new Error(`rowGroup must be an integer from 0 to ${groups - 1}, got ${input.rowGroup ?? input.value}`);
  }
  let rowStart = 0;
  for (let g = 0; g < group; g++) rowStart += Number(metadata.row_groups[g].num_rows);
  return { rowGroup: group, rowStart, rowEnd: rowStart + Number(metadata.row_groups[group].num_rows) };
}

export default async function readFlights(input = {}, ctx) {
  const path = input.file ? (isAbsolute(input.file) ? input.file : join(import.meta.dirname, '..', input.file)) : defaultFlightsFile();
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const range = rowRange(input, metadata);
  ctx?.progress(0, range.rowEnd - range.rowStart, 'reading');
  const rows = await parquetReadObjects({ file, metadata, compressors, rowStart: range.rowStart, rowEnd: range.rowEnd });
  if (ctx?.signal.aborted) throw ctx.signal.reason;

  // Integer sums (delay and distance are INT64, read as BigInt): exact, so regions add up in any order.
  let delayMinutes = 0;
  let delayed = 0;
  let distanceMiles = 0;
  let noDelay = 0;
  let first = Infinity;
  let last = -Infinity;
  const byOrigin = new Map();
  for (const row of rows) {
    if (row.delay === null || row.delay === undefined) noDelay++;
    else {
      const delay = Number(row.delay);
      delayMinutes += delay;
      if (delay > DELAYED_MINUTES) delayed++;
    }
    distanceMiles += Number(row.distance ?? 0);
    const t = row.date?.getTime();
    if (t < first) first = t;
    if (t > last) last = t;
    byOrigin.set(row.origin, (byOrigin.get(row.origin) ?? 0) + 1);
  }
  const flights = rows.length;
  // Every origin's count (a few hundred airports): the aggregate needs them all to find the busiest exactly.
  const flightsByOrigin = Object.fromEntries(byOrigin);
  const stats = delayStats({ flights, delayMinutes, delayed, distanceMiles, flightsByOrigin });
  ctx?.progress(flights, flights, `${flights.toLocaleString('en-US')} flights`);
  return {
    ...range,
    records: flights,
    delayMinutes,
    delayed,
    noDelay,
    distanceMiles,
    flightsByOrigin,
    firstDate: Number.isFinite(first) ? new Date(first).toISOString() : null,
    lastDate: Number.isFinite(last) ? new Date(last).toISOString() : null,
    ...stats,
    summary: delaySummary(stats),
  };
}
