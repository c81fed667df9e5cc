import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { selectCarrier } from './api/carrier.ts';
import type { Carrier } from './api/types.ts';
import { App } from './App.tsx';
import { initStore } from './store/index.ts';
import { runIdFromUrl } from './store/url-state.ts';
import './styles/base.css';
import './styles/states.css';
import './styles/app.css';
import './styles/dag.css';
import './styles/regions.css';
import './styles/drawer.css';
import './styles/timeline.css';
import './styles/results.css';

/** Electron preload, `dproc serve`'s WebSocket, or (dev server only, `?fake`) an in-memory simulator. */
async function chooseCarrier(): Promise<Carrier> {
  if (import.meta.env.DEV && new URLSearchParams(window.location.search).has('fake')) {
    const { createFakeCarrier } = await import('./dev/fake-carrier.ts');
    return createFakeCarrier();
  }
  return selectCarrier();
}

const carrier = await chooseCarrier();
const store = initStore(carrier);
const reopen = runIdFromUrl();
if (reopen) void store.getState().openRun(reopen);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
