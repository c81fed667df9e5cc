/**
 * A Carrier backed by the fake engine, for the dev server only (`?fake`; `?fake=gaps` drops a batch now and
 * then to exercise the renderer's gap → snapshot path). main.tsx imports it behind import.meta.env.DEV, so
 * it is not in the production bundle.
 */
import type { DprocApi } from '../../../shared/contract.ts';
import type { EventBatch } from '../../../shared/events.ts';
import type { Carrier } from '../api/types.ts';
import { createFakeBackend } from './fake-backend.ts';

export function createFakeCarrier(): Carrier {
  const dropBatches = new URLSearchParams(window.location.search).get('fake') === 'gaps';
  const backend = createFakeBackend();
  const subscribed = new Set<string>();
  const listeners = new Set<(batch: EventBatch) => void>();
  let counter = 0;
  backend.onAnyBatch((batch) => {
    if (!subscribed.has(batch.runId)) return;
    if (dropBatches && ++counter % 97 === 0) return;
    for (const l of listeners) l(batch);
  });
  const api: DprocApi = {
    ...backend.api,
    async subscribe(req) {
      const reply = await backend.api.subscribe(req);
      subscribed.add(req.runId);
      return reply;
    },
    async unsubscribe(req) {
      subscribed.delete(req.runId);
      return backend.api.unsubscribe(req);
    },
    onEvents(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { kind: 'fake', api, connection: () => 'open', onConnection: () => () => {} };
}
