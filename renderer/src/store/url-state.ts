/**
 * The open run lives in the URL hash (`#run=<id>`), so a reload, or a link, opens the same run again.
 * replaceState: opening runs does not fill the back-button history.
 */
export function runIdFromUrl(): string | undefined {
  const match = /(?:^#|&)run=([A-Za-z0-9_-]{1,64})(?:&|$)/.exec(window.location.hash);
  return match?.[1];
}

export function writeRunIdToUrl(runId: string | undefined): void {
  const url = new URL(window.location.href);
  url.hash = runId ? `run=${runId}` : '';
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}
