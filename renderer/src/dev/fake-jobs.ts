/**
 * Jobs for the in-memory fake engine (dev server only, `?fake`): plans, how their regions misbehave, and
 * what they output. Not part of the production bundle.
 */
import type { JobEntry, JobPreview, JobProblem } from '../../../shared/contract.ts';
import type { JobPlan, PlannedTask } from '../../../shared/job-schema.ts';

export interface FakeJob {
  entry: JobEntry;
  problems?: JobProblem[];
  plan?: JobPlan;
  /** Attempt numbers at which a task throws; Infinity: every attempt. */
  failures: (taskId: string) => number[] | 'always';
}

function task(id: string, blockedBy: string[], group?: string, retries = 2): PlannedTask {
  return {
    id,
    name: id,
    processor: `/work/examples/processors/${group ?? id}.ts`,
    input: null,
    blockedBy,
    group,
    retries,
    backoffMs: 800,
    maxBackoffMs: 5_000,
    timeoutMs: 60_000,
    memoryLimitMb: 512,
    isolation: 'thread',
  };
}

function fanOut(name: string, file: string, regions: number, concurrency: number): JobPlan {
  const pad = String(regions).length;
  const ids = Array.from({ length: regions }, (_, i) => `region-${String(i + 1).padStart(pad, '0')}`);
  return {
    name,
    file,
    concurrency,
    onFailure: 'wait',
    tasks: [
      task('prepare', []),
      ...ids.map((id) => task(id, ['prepare'], 'regions')),
      task('aggregate', ids, undefined, 1),
      task('report', ['aggregate'], undefined, 1),
    ],
  };
}

/** Deterministic 0..1 from a string, so the same job misbehaves the same way every time. */
export function hash01(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

export const FAKE_JOBS: FakeJob[] = [
  {
    entry: { path: '/work/examples/sales-by-region/sales-by-region.job.yaml', name: 'sales-by-region', source: 'example' },
    plan: fanOut('sales-by-region', '/work/examples/sales-by-region/sales-by-region.job.yaml', 24, 6),
    failures: (id) => (id === 'region-07' ? [1, 2] : id === 'region-13' ? 'always' : id === 'region-19' ? [1] : []),
  },
  {
    entry: { path: '/work/examples/fan-out-1000/fan-out.job.yaml', name: 'fan-out-1000', source: 'example' },
    plan: fanOut('fan-out-1000', '/work/examples/fan-out-1000/fan-out.job.yaml', 1000, 32),
    failures: (id) => {
      const r = hash01(id);
      return r < 0.004 ? 'always' : r < 0.03 ? [1] : [];
    },
  },
  {
    entry: { path: '/home/me/jobs/nightly.job.yaml', name: 'nightly', source: 'workspace' },
    plan: fanOut('nightly', '/home/me/jobs/nightly.job.yaml', 60, 8),
    failures: (id) => (hash01(id) < 0.05 ? [1] : []),
  },
  {
    entry: { path: '/home/me/jobs/broken.job.yaml', name: 'broken', source: 'workspace' },
    problems: [
      {
        code: 'DPROC_E_UNKNOWN_DEPENDENCY',
        message: 'blockedBy names unknown task "regionz"',
        taskId: 'aggregate',
        field: 'blockedBy',
        line: 14,
        column: 7,
      },
      { code: 'DPROC_E_JOB_SCHEMA', message: 'retries: expected a number ≥ 0, got -1', taskId: 'regions', field: 'retries', line: 9, column: 14 },
    ],
    failures: () => [],
  },
];

export function previewOf(plan: JobPlan, concurrency?: number, onFailure?: string): JobPreview {
  return {
    name: plan.name,
    file: plan.file,
    concurrency: concurrency ?? plan.concurrency ?? 4,
    onFailure: onFailure ?? plan.onFailure ?? 'wait',
    tasks: plan.tasks.map((t) => ({ id: t.id, name: t.name, blockedBy: t.blockedBy, group: t.group })),
  };
}

/** What a task "produced". */
export function fakeOutput(taskId: string, completeRegions: string[], missing: string[]): unknown {
  if (taskId.startsWith('region-')) return { region: taskId, rows: Math.round(hash01(taskId) * 5000), revenue: Math.round(hash01(`${taskId}$`) * 1e6) / 100 };
  if (taskId === 'aggregate') {
    const total = completeRegions.reduce((sum, id) => sum + Math.round(hash01(`${id}$`) * 1e6) / 100, 0);
    return { regions: completeRegions.length, revenue: Math.round(total * 100) / 100, missing };
  }
  if (taskId === 'report') return { file: 'report.html', regions: completeRegions.length, missing };
  return { ok: true };
}
