import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces, hostname } from 'node:os';

/** A fresh secret for one server: 32 random bytes as hex, like Jupyter's. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** What a request proved about itself. */
export type TokenCheck = 'valid' | 'missing' | 'wrong';

/**
 * Who may talk to the server: requests must name this server in Host (a DNS-rebinding page sends its own
 * name), carry the token (query or cookie), and, for the WebSocket, come from a page of this server (Origin).
 */
export class AccessPolicy {
  readonly token: string;
  readonly cookieName: string;
  private readonly hosts: Set<string>;

  constructor(opts: { token: string; host: string; port: number }) {
    this.token = opts.token;
    // Cookies ignore ports: two servers on one machine must not overwrite each other's.
    this.cookieName = `dproc_token_${opts.port}`;
    this.hosts = new Set();
    for (const name of hostNames(opts.host)) {
      const h = name.includes(':') ? `[${name}]` : name; // IPv6 literals are bracketed in Host and Origin
      this.hosts.add(`${h}:${opts.port}`.toLowerCase());
      if (opts.port === 80) this.hosts.add(h.toLowerCase());
    }
  }

  /** Whether a Host header (or an Origin's host part) names this server. */
  isAllowedHost(host: string | undefined): boolean {
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  /** Whether the request's Origin is a page served by this server (browsers always send it on a WebSocket). */
  isAllowedOrigin(origin: string | undefined): boolean {
    if (!origin) return false;
    try {
      const url = new URL(origin);
      return url.protocol === 'http:' && this.isAllowedHost(url.host);
    } catch {
      return false;
    }
  }

  /** The token from `?token=` if present, else from the cookie. */
  checkToken(req: IncomingMessage): { result: TokenCheck; fromQuery: boolean } {
    const fromQuery = queryToken(req.url ?? '');
    if (fromQuery !== undefined) return { result: this.matches(fromQuery) ? 'valid' : 'wrong', fromQuery: true };
    const fromCookie = cookieValue(req.headers.cookie, this.cookieName);
    if (fromCookie === undefined) return { result: 'missing', fromQuery: false };
    return { result: this.matches(fromCookie) ? 'valid' : 'wrong', fromQuery: false };
  }

  /** The cookie that lets the page's scripts, styles and socket authenticate without the query. */
  cookie(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private matches(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** The names a client may use for a server bound to `host`: loopback always, and the bound address. */
function hostNames(host: string): string[] {
  const names = ['127.0.0.1', 'localhost', '::1', host];
  if (host === '0.0.0.0' || host === '::') {
    // Bound to every interface: the machine's own addresses and name are legitimate too.
    names.push(hostname());
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.push(i.address);
  }
  return names;
}

function queryToken(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get('token') ?? undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
