import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteFile } from 'hyparquet-writer';

// The data and the jobs of bench section 6: the 3,000,000 flights of vega-datasets, read by the
// flight-delays example's own processors, in two job sizes.

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'flight-delays', 'processors');
/** The example's region processor: reads one row group of a flights parquet file. */
export const REGION_PROCESSOR = join(EXAMPLE, 'read-flights.mjs');
/** The example's aggregate: adds the regions' counts up. */
export const AGGREGATE_PROCESSOR = join(EXAMPLE, 'combine-flights.mjs');

/** What the section reads of a region's output (the example returns more). */
export interface RegionOutput {
  records: number;
}

/** What the section reads of the aggregate's output, and compares between rows. */
export interface FlightTotals {
  regions: number;
  records: number;
  delayMinutes: number;
  delayed: number;
  distanceMiles: number;
  busiestOrigin: { airport: string | null; flights: number };
}

type Processor<T> = (input: unknown, ctx: unknown) => Promise<T>;
type Columns = Parameters<typeof parquetWriteFile>[0]['columnData'];

/** One region: its task id, the input its processor gets (what `foreach: { values }` gives), its rows. */
export interface Region {
  id: string;
  input: { value: number; file?: string };
  rows: number;
}

/** A job of the section: regions over one parquet file, each one row group of it. */
export interface FlightsJob {
  /** Short name for progress lines and row ids: `groups` or `slices`. */
  key: string;
  /** The parquet file the regions read (absent: the processor's default, vega-datasets'). */
  file?: string;
  regions: Region[];
  /** Rows of all regions: what the aggregate's `records` must be. */
  rows: number;
}

/** The region processor, imported into this process (calibration and raw piscina's in-process aggregate use it). */
export async function importProcessor<T>(path: string): Promise<Processor<T>> {
  return ((await import(pathToFileURL(path).href)) as { default: Processor<T> }).default;
}

/** vega-datasets' flights-3m.parquet, found as the processor finds it. */
export async function flightsFile(): Promise<string> {
  const mod = (await import(pathToFileURL(REGION_PROCESSOR).href)) as { defaultFlightsFile: () => string };
  return mod.defaultFlightsFile();
}

/** Size (a): `count` regions, one per row group of the original file (11 groups of ~272,727 rows, ZSTD). */
export async function rowGroupJob(count: number): Promise<FlightsJob> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(await flightsFile()));
  const groups = metadata.row_groups.slice(0, count);
  const regions = groups.map((g, i) => ({ id: `rows-${i}`, input: { value: i }, rows: Number(g.num_rows) }));
  return { key: 'groups', regions, rows: regions.reduce((n, r) => n + r.rows, 0) };
}

/** Size (b) and how it was calibrated. */
export interface SlicesJob extends FlightsJob {
  rowsPerRegion: number;
  /** Fastest warm call of the processor on one region of the written file, in this thread. */
  regionMs: number;
}

/**
 * Fastest of `calls` calls of the processor on the row groups of `file` in turn, after `warmUp` untimed
 * ones (until hyparquet's code is JIT-compiled, a call takes up to twice as long). The minimum, because
 * noise from other processes only ever adds time.
 */
async function fastestMs(processor: Processor<unknown>, file: string, groups: number, warmUp: number, calls: number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < warmUp + calls; i++) {
    const t0 = performance.now();
    await processor({ file, value: i % groups }, null);
    if (i >= warmUp) best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** The first `rows` rows of vega-datasets' file as hyparquet-writer columns. */
async function readColumns(rows: number): Promise<Columns> {
  const file = await asyncBufferFromFile(await flightsFile());
  const metadata = await parquetMetadataAsync(file);
  type Flight = { date: Date; delay: bigint; distance: bigint; origin: string; destination: string };
  const read = (await parquetReadObjects({ file, metadata, compressors, rowStart: 0, rowEnd: rows })) as Flight[];
  return [
    { name: 'date', data: read.map((r) => r.date), type: 'TIMESTAMP' },
    { name: 'delay', data: BigInt64Array.from(read, (r) => r.delay), type: 'INT64' },
    { name: 'distance', data: BigInt64Array.from(read, (r) => r.distance), type: 'INT64' },
    { name: 'origin', data: read.map((r) => r.origin), type: 'STRING' },
    { name: 'destination', data: read.map((r) => r.destination), type: 'STRING' },
  ];
}

/** Writes the first `count × rowsPerRegion` rows of the original into `file` with row groups of `rowsPerRegion`. */
async function writeRowGroups(file: string, count: number, rowsPerRegion: number): Promise<void> {
  parquetWriteFile({ filename: file, columnData: await readColumns(count * rowsPerRegion), rowGroupSize: rowsPerRegion });
}

/** `rows × targetMs / ms`, in hundreds of rows, at least 1,000. */
function rescale(rows: number, ms: number, targetMs: number): number {
  return Math.max(1_000, Math.round((rows * targetMs) / ms / 100) * 100);
}

/**
 * Size (b): `count` regions of ~`targetMs` each. hyparquet decodes a whole page per column, and the
 * original file has one page per column per row group, so a slice of 5,000 rows of it costs ~150 ms,
 * most of its whole row group: small regions need small row groups. So the first rows of the original are
 * rewritten (hyparquet-writer, its default SNAPPY) into `dir` with row groups of the size that takes
 * ~`targetMs` here: estimated by timing the processor on a probe file of 20,000-row groups in this
 * thread, then checked on the written file and rewritten once if more than 20% off.
 */
export async function slicesJob(dir: string, count: number, targetMs: number): Promise<SlicesJob> {
  const PROBE_ROWS = 20_000;
  const processor = await importProcessor<unknown>(REGION_PROCESSOR);
  const probe = join(dir, 'probe.parquet');
  await writeRowGroups(probe, 3, PROBE_ROWS);
  let rowsPerRegion = rescale(PROBE_ROWS, await fastestMs(processor, probe, 3, 15, 6), targetMs);
  const file = join(dir, 'flights-small-row-groups.parquet');
  await writeRowGroups(file, count, rowsPerRegion);
  let regionMs = await fastestMs(processor, file, count, 3, 6);
  if (Math.abs(regionMs / targetMs - 1) > 0.2) {
    rowsPerRegion = rescale(rowsPerRegion, regionMs, targetMs);
    await writeRowGroups(file, count, rowsPerRegion);
    regionMs = await fastestMs(processor, file, count, 3, 6);
  }
  const regions = Array.from({ length: count }, (_, i) => ({ id: `rows-${i}`, input: { file, value: i }, rows: rowsPerRegion }));
  return { key: 'slices', file, regions, rows: count * rowsPerRegion, rowsPerRegion, regionMs };
}
