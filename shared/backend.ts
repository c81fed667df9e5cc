import { z } from 'zod';

/** Where a run's regions execute: absent means this machine; `redis` means remote `dproc worker`s. */
export interface BackendSpec {
  kind: 'redis';
  /** redis://[user:pass@]host:port[/db] or rediss:// (TLS). Holds the password: never journal or print it. */
  url: string;
  /** BullMQ queue name the coordinator and its workers share. */
  queue: string;
}

export const DEFAULT_QUEUE = 'dproc';

/** The wire form (contract, settings): a URL and an optional queue name. */
export const backendSchema = z
  .object({
    url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
    queue: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must contain only letters, digits, ".", "_" and "-"').optional(),
  })
  .strict();

/** Parses `--backend URL [--queue NAME]`; throws a message naming the bad part. */
export function parseBackend(url: string, queue: string = DEFAULT_QUEUE): BackendSpec {
  const parsed = backendSchema.safeParse({ url, queue });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`backend ${issue.path.join('.') || 'url'}: ${issue.message} (got "${issue.path[0] === 'queue' ? queue : redactUrl(url)}")`);
  }
  try {
    new URL(url);
  } catch {
    throw new Error(`backend url: not a valid URL (got "${redactUrl(url)}")`);
  }
  return { kind: 'redis', url, queue };
}

/** The URL with any password replaced by `***`, for logs, the journal and the UI. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/** What a user sees of a backend: `redis://:***@host:6379 (queue dproc)`. */
export function describeBackend(spec: BackendSpec | undefined): string {
  return spec ? `${redactUrl(spec.url)} (queue ${spec.queue})` : 'local';
}
