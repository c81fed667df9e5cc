const STORAGE_KEY = 'dproc.token';

/**
 * The serve-mode token: taken from the page URL's `?token=` on first load, kept in sessionStorage so a
 * reload works, and removed from the address bar so it does not end up in history or screenshots.
 */
export function readToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(STORAGE_KEY, fromUrl);
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    } catch {
      // Storage disabled: keep the token in the URL so a reload still works.
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
