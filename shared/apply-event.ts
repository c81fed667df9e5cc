import type { JournaledEvent, RunEvent } from './events.ts';
import type { AttemptSnapshot, RunSnapshot, TaskSnapshot } from './snapshot.ts';
import { FINAL_RUN_STATES, TASK_STATES, type AttemptState, type TaskState } from './states.ts';

/** The task transitions the engine may make; anything else is a bug and throws. */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  BLOCKED: ['QUEUED', 'SKIPPED', 'UPSTREAM_FAILED', 'CANCELLED', 'BLOCKED'],
  QUEUED: ['IN_PROGRESS', 'SKIPPED', 'UPSTREAM_FAILED', 'CANCELLED', 'BLOCKED'],
  IN_PROGRESS: ['COMPLETE', 'RETRYING', 'FAILED', 'QUEUED', 'SKIPPED', 'CANCELLED', 'BLOCKED'],
  RETRYING: ['QUEUED', 'SKIPPED', 'CANCELLED', 'BLOCKED'],
  COMPLETE: ['BLOCKED'],
  FAILED: ['BLOCKED', 'SKIPPED'],
  SKIPPED: ['BLOCKED'],
  UPSTREAM_FAILED: ['BLOCKED', 'SKIPPED', 'CANCELLED'],
  CANCELLED: ['BLOCKED', 'SKIPPED'],
};

/** Thrown when an event asks for a transition TASK_TRANSITIONS does not allow. */
export class IllegalTransitionError extends Error {
  constructor(taskId: string, from: TaskState, to: TaskState, type: string) {
    super(`task "${taskId}": ${type} cannot move it from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** A run with no events folded in but its creation. */
export function initialSnapshot(event: Extract<RunEvent, { type: 'run.created' }>): RunSnapshot {
  const tasks: Record<string, TaskSnapshot> = {};
  const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  // Shared by every task until its first event (folding never mutates arrays or entries, it replaces
  // them): 48 bytes less per task. Frozen, so a mistaken in-place change throws instead of spreading.
  const born = Object.freeze({ state: 'BLOCKED' as const, at: event.at });
  const noAttempts = Object.freeze([]) as unknown as AttemptSnapshot[];
  for (const t of event.plan.tasks) {
    tasks[t.id] = taskSnapshot(
      {
      id: t.id,
      name: t.name,
      blockedBy: t.blockedBy,
      group: t.group,
      state: 'BLOCKED',
      history: [born],
      attempts: noAttempts,
      logCount: 0,
      budgetFrom: 0,
      },
      NO_CHANGES,
    );
  }
  counts.BLOCKED = event.plan.tasks.length;
  return {
    runId: event.runId,
    jobName: event.plan.name,
    jobFile: event.plan.file,
    plan: event.plan,
    options: event.options,
    state: 'RUNNING',
    createdAt: event.at,
    startedAt: event.at,
    seq: 'seq' in event ? (event as JournaledEvent).seq : 1,
    order: event.plan.tasks.map((t) => t.id),
    tasks,
    counts,
  };
}

/**
 * The one state machine: folds an event into a run snapshot and returns the new snapshot.
 * `snapshot` is null only for the first event, run.created. Results of stale attempts are ignored.
 */
export function applyEvent(snapshot: RunSnapshot | null, event: RunEvent | JournaledEvent): RunSnapshot {
  if (event.type === 'run.created') return initialSnapshot(event);
  if (!snapshot) throw new Error(`${event.type}: the first event of a run must be run.created`);
  const seq = 'seq' in event ? event.seq : snapshot.seq + 1;
  const next: RunSnapshot = { ...snapshot, seq };
  switch (event.type) {
    case 'run.started':
      next.state = 'RUNNING';
      next.startedAt = event.at;
      next.finishedAt = undefined;
      return next;
    case 'run.state':
      next.state = event.state;
      next.finishedAt = FINAL_RUN_STATES.has(event.state) ? event.at : undefined;
      return next;
    case 'task.queued':
      return moveTask(next, event.taskId, 'QUEUED', event, () => ({ retryAt: undefined }));
    case 'attempt.started':
      return moveTask(next, event.taskId, 'IN_PROGRESS', event, (t) => ({
        currentAttemptId: event.attemptId,
        progress: undefined,
        attempts: t.attempts.concat([
          attemptSnapshot({ attempt: event.attempt, attemptId: event.attemptId, state: 'IN_PROGRESS', slot: event.slot, startedAt: event.at }),
        ]),
      }));
    case 'attempt.worker': {
      const t = next.tasks[event.taskId];
      const last = t?.attempts[t.attempts.length - 1];
      if (!t || !last || last.attemptId !== event.attemptId) return next;
      const assigned = attemptSnapshot({ ...last, worker: event.worker });
      next.tasks[event.taskId] = taskSnapshot(t, { attempts: t.attempts.slice(0, -1).concat([assigned]) });
      return next;
    }
    case 'task.progress': {
      const t = next.tasks[event.taskId];
      if (!t || t.state !== 'IN_PROGRESS') return next;
      next.tasks[event.taskId] = taskSnapshot(t, { progress: { done: event.done, total: event.total, message: event.message } });
      return next;
    }
    case 'task.log': {
      const t = next.tasks[event.taskId];
      if (t) next.tasks[event.taskId] = taskSnapshot(t, { logCount: t.logCount + 1 });
      return next;
    }
    case 'attempt.succeeded':
      if (!isCurrent(next, event.taskId, event.attemptId)) return next;
      return moveTask(next, event.taskId, 'COMPLETE', event, (t) => ({
        ...closeAttempt(t, 'COMPLETE', event.at),
        lastError: undefined,
        progress: t.progress && t.progress.total !== undefined ? { ...t.progress, done: t.progress.total } : t.progress,
      }));
    case 'attempt.failed':
      if (!isCurrent(next, event.taskId, event.attemptId)) return next;
      return moveTask(next, event.taskId, event.retryAt === undefined ? 'FAILED' : 'RETRYING', event, (t) => ({
        ...closeAttempt(t, 'FAILED', event.at, event.error),
        lastError: event.error,
        retryAt: event.retryAt,
      }));
    case 'attempt.interrupted':
      if (!isCurrent(next, event.taskId, event.attemptId)) return next;
      return moveTask(next, event.taskId, 'QUEUED', event, (t) => closeAttempt(t, 'INTERRUPTED', event.at));
    case 'task.skipped':
      return moveTask(next, event.taskId, 'SKIPPED', event, (t) => ({
        ...closeAttempt(t, 'CANCELLED', event.at),
        skippedBy: event.by,
        retryAt: undefined,
      }));
    case 'task.upstream_failed':
      return moveTask(next, event.taskId, 'UPSTREAM_FAILED', event, () => ({ upstreamFailed: event.upstream }));
    case 'task.cancelled':
      return moveTask(next, event.taskId, 'CANCELLED', event, (t) => ({
        ...closeAttempt(t, 'CANCELLED', event.at),
        retryAt: undefined,
      }));
    case 'task.reset':
      return moveTask(next, event.taskId, 'BLOCKED', event, (t) => ({
        ...closeAttempt(t, 'CANCELLED', event.at),
        retryAt: undefined,
        skippedBy: undefined,
        upstreamFailed: undefined,
        progress: undefined,
        // A person's retry gives the task its full retry budget again; a resume does not.
        budgetFrom: event.by === 'user' ? t.attempts.length : t.budgetFrom,
      }));
    default:
      return assertNever(event);
  }
}

/** Folds a whole journal (in seq order) into a snapshot. */
export function replay(events: Iterable<RunEvent | JournaledEvent>): RunSnapshot {
  let snap: RunSnapshot | null = null;
  for (const e of events) snap = applyEvent(snap, e);
  if (!snap) throw new Error('replay: the journal is empty');
  return snap;
}

function isCurrent(s: RunSnapshot, taskId: string, attemptId: string): boolean {
  const t = s.tasks[taskId];
  return !!t && t.state === 'IN_PROGRESS' && t.currentAttemptId === attemptId;
}

function moveTask(
  s: RunSnapshot,
  taskId: string,
  to: TaskState,
  event: RunEvent,
  update: (t: TaskSnapshot) => TaskChanges,
): RunSnapshot {
  const t = s.tasks[taskId];
  if (!t) throw new Error(`${event.type}: unknown task "${taskId}"`);
  if (!TASK_TRANSITIONS[t.state].includes(to)) throw new IllegalTransitionError(taskId, t.state, to, event.type);
  const changes = update(t);
  changes.state = to;
  changes.history = t.history.concat([{ state: to, at: event.at }]);
  s.tasks[taskId] = taskSnapshot(t, changes);
  s.counts = { ...s.counts, [t.state]: s.counts[t.state] - 1 };
  s.counts[to] += 1;
  return s;
}

/** The changes that end the task's current attempt, if it is still running (none otherwise). */
function closeAttempt(t: TaskSnapshot, state: AttemptState, at: number, error?: AttemptSnapshot['error']): TaskChanges {
  const last = t.attempts[t.attempts.length - 1];
  if (!last || last.state !== 'IN_PROGRESS') return {};
  const closed = attemptSnapshot({ ...last, state, finishedAt: at, error: error ?? last.error });
  return { attempts: t.attempts.slice(0, -1).concat([closed]), currentAttemptId: state === 'INTERRUPTED' || state === 'CANCELLED' ? undefined : t.currentAttemptId };
}

// Memory: a 100,000-task run keeps 100,000 of these. Every TaskSnapshot and AttemptSnapshot is built by
// these two, with the same fields in the same order, so V8 gives them all one compact shape; and arrays
// grow with concat(), which allocates the exact length, where [...a, x] reserves room for 16 more
// elements (~145 bytes wasted per array, twice per task).

/** Fields an event changes on a task; a field present with the value undefined clears it. */
type TaskChanges = Partial<TaskSnapshot>;

const NO_CHANGES: TaskChanges = Object.freeze({});

/**
 * `t` with `changes` applied, as one new object with its fields in the canonical order (absent optional
 * fields are undefined). Built in one step: no intermediate copy per event.
 */
function taskSnapshot(t: TaskSnapshot, c: TaskChanges): TaskSnapshot {
  return {
    id: t.id,
    name: t.name,
    blockedBy: t.blockedBy,
    group: t.group,
    state: 'state' in c ? c.state! : t.state,
    history: 'history' in c ? c.history! : t.history,
    attempts: 'attempts' in c ? c.attempts! : t.attempts,
    currentAttemptId: 'currentAttemptId' in c ? c.currentAttemptId : t.currentAttemptId,
    progress: 'progress' in c ? c.progress : t.progress,
    retryAt: 'retryAt' in c ? c.retryAt : t.retryAt,
    lastError: 'lastError' in c ? c.lastError : t.lastError,
    skippedBy: 'skippedBy' in c ? c.skippedBy : t.skippedBy,
    upstreamFailed: 'upstreamFailed' in c ? c.upstreamFailed : t.upstreamFailed,
    logCount: 'logCount' in c ? c.logCount! : t.logCount,
    budgetFrom: 'budgetFrom' in c ? c.budgetFrom! : t.budgetFrom,
  };
}

/** An AttemptSnapshot with its fields in the canonical order. */
function attemptSnapshot(a: AttemptSnapshot): AttemptSnapshot {
  return { attempt: a.attempt, attemptId: a.attemptId, state: a.state, slot: a.slot, startedAt: a.startedAt, finishedAt: a.finishedAt, error: a.error, worker: a.worker };
}

/** Compile-time exhaustiveness for switches over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
