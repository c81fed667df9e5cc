import { replay } from '../../shared/apply-event.ts';
import { DprocError, ERROR_CODES } from '../../shared/errors.ts';
import type { JournaledEvent, RunEvent } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import type { CoordinatorStore } from '../../electron/engine/coordinator/coordinator.ts';

/** An in-memory CoordinatorStore: lets coordinator unit tests run without SQLite. */
export class MemoryStore implements CoordinatorStore {
  readonly events = new Map<string, JournaledEvent[]>();
  readonly outputs = new Map<string, Uint8Array>();
  readonly owners = new Map<string, number>();
  appends = 0;

  createRun(event: Extract<RunEvent, { type: 'run.created' }>): JournaledEvent {
    const e = { ...event, seq: 1 };
    this.events.set(event.runId, [e]);
    return e;
  }

  append(runId: string, events: RunEvent[], outputs: { taskId: string; attemptId: string; bytes: Uint8Array }[] = []): JournaledEvent[] {
    const journal = this.events.get(runId)!;
    this.appends++;
    const out = events.map((e, i) => ({ ...e, seq: journal.length + i + 1 }) as JournaledEvent);
    journal.push(...out);
    for (const o of outputs) this.outputs.set(`${runId}/${o.taskId}`, o.bytes);
    return out;
  }

  getOutputs(runId: string, taskIds: string[]): Map<string, Uint8Array> {
    const m = new Map<string, Uint8Array>();
    for (const id of taskIds) {
      const b = this.outputs.get(`${runId}/${id}`);
      if (b) m.set(id, b);
    }
    return m;
  }

  loadSnapshot(runId: string): RunSnapshot {
    const journal = this.events.get(runId);
    if (!journal) throw new DprocError(ERROR_CODES.RUN_NOT_FOUND, `no run ${runId}`);
    return replay(journal);
  }

  claimRun(runId: string, owner: { pid: number }): void {
    this.owners.set(runId, owner.pid);
  }

  releaseRun(runId: string): void {
    this.owners.delete(runId);
  }

  /** Event types of one task, in journal order (for assertions). */
  typesOf(runId: string, taskId: string): string[] {
    return this.events.get(runId)!.filter((e) => 'taskId' in e && e.taskId === taskId).map((e) => e.type);
  }
}
