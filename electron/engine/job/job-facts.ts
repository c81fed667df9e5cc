import { dirname, resolve } from 'node:path';
import type { JobFile } from '../../../shared/job-schema.ts';
import { fileKind, fileKindSync, globFiles, globFilesSync, type FileKind } from './glob-files.ts';

/**
 * What planning a job needs to know about the disk, gathered up front (sync or async) so that
 * planJob itself stays a pure function of the job file and these facts.
 */
export interface JobFacts {
  /** For each absolute processor path: what is there. */
  processors: Map<string, FileKind>;
  /** For each `foreach.files` pattern: the matching files, absolute and sorted. */
  globs: Map<string, string[]>;
}

/** The absolute processor path of a task: relative paths are relative to the job file's directory. */
export function resolveProcessor(jobFile: string, processor: string): string {
  return resolve(dirname(jobFile), processor);
}

/** Gathers JobFacts with blocking fs calls (CLI, tests, `loadJobSync`). */
export function gatherJobFactsSync(job: JobFile, jobFile: string): JobFacts {
  const facts: JobFacts = { processors: new Map(), globs: new Map() };
  for (const task of job.tasks) {
    const processor = resolveProcessor(jobFile, task.processor);
    if (!facts.processors.has(processor)) facts.processors.set(processor, fileKindSync(processor));
    if (task.foreach && 'files' in task.foreach && !facts.globs.has(task.foreach.files)) {
      facts.globs.set(task.foreach.files, globFilesSync(task.foreach.files, dirname(jobFile)));
    }
  }
  return facts;
}

/** Gathers JobFacts without blocking the event loop (`loadJob`). */
export async function gatherJobFacts(job: JobFile, jobFile: string): Promise<JobFacts> {
  const processors = [...new Set(job.tasks.map((t) => resolveProcessor(jobFile, t.processor)))];
  const patterns = [...new Set(job.tasks.flatMap((t) => (t.foreach && 'files' in t.foreach ? [t.foreach.files] : [])))];
  const [kinds, matches] = await Promise.all([
    Promise.all(processors.map((p) => fileKind(p))),
    Promise.all(patterns.map((p) => globFiles(p, dirname(jobFile)))),
  ]);
  return {
    processors: new Map(processors.map((p, i) => [p, kinds[i]])),
    globs: new Map(patterns.map((p, i) => [p, matches[i]])),
  };
}
