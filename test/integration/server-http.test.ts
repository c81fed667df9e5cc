import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DEFAULT_ON_FAILURE } from '../../electron/api/handlers.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { startServer, type DprocServer } from '../../electron/server/server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'TOP-SECRET-CONTENT';

let tmp: string;
let engine: Engine;
let server: DprocServer;
let cookie: string;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request: the path is sent exactly as given (no normalisation), headers as given. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET', port = server.port): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dproc-http-'));
  const build = join(tmp, 'build');
  mkdirSync(join(build, 'assets'), { recursive: true });
  writeFileSync(join(build, 'index.html'), '<!doctype html><title>dproc</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(build, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(build, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(build, 'assets', 'layout.worker.mjs'), '');
  writeFileSync(join(build, 'assets', 'data.bin'), 'x');
  writeFileSync(join(build, '.env'), SECRET);
  writeFileSync(join(tmp, 'secret.txt'), SECRET);
  symlinkSync(join(tmp, 'secret.txt'), join(build, 'assets', 'link-out.txt'));
  engine = Engine.open({ dataDir: join(tmp, 'data'), defaultOnFailure: APP_DEFAULT_ON_FAILURE });
  server = await startServer({ engine, port: 0, staticDir: build, workspaceDir: tmp });
  cookie = `${`dproc_token_${server.port}`}=${server.token}`;
});

afterAll(async () => {
  await server.close();
  await engine.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('dproc serve over HTTP', () => {
  it('prints a loopback URL with a 32-byte hex token and binds 127.0.0.1', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{64}$`));
  });

  it('the URL with the token serves the page and sets an HttpOnly SameSite=Strict cookie', async () => {
    const res = await get(`/?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>dproc</title>');
    const setCookie = res.headers['set-cookie']![0];
    expect(setCookie).toContain(cookie);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
  });

  it('assets load with the cookie alone, with their content types', async () => {
    const cases: [string, string][] = [
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
      ['/assets/layout.worker.mjs', 'text/javascript; charset=utf-8'],
      ['/assets/data.bin', 'application/octet-stream'],
      ['/index.html', 'text/html; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const res = await get(path, { cookie });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe(type);
    }
    const head = await get('/assets/app.js', { cookie }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String('console.log("app");'.length));
    expect(head.body).toBe('');
  });

  it('every response carries the security headers, and the CSP keeps every directive of the renderer', async () => {
    const html = readFileSync(join(ROOT, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1];
    for (const res of [await get(`/?token=${server.token}`), await get('/'), await get('/x', { host: 'evil.com' })]) {
      const csp = res.headers['content-security-policy'] as string;
      for (const directive of meta.split(';').map((d) => d.trim())) expect(csp).toContain(directive);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('refuses a request without a token (401) or with a wrong one (403)', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/?token=0000')).status).toBe(403);
    expect((await get(`/?token=${'a'.repeat(64)}`)).status).toBe(403);
    expect((await get('/', { cookie: `dproc_token_${server.port}=${'b'.repeat(64)}` })).status).toBe(403);
    // Another server's cookie (another port) does not count.
    expect((await get('/', { cookie: `dproc_token_1=${server.token}` })).status).toBe(401);
  });

  it('refuses a foreign Host header even with the token (DNS rebinding), accepts localhost', async () => {
    for (const host of ['evil.com', `evil.com:${server.port}`, '127.0.0.1:1', `127.0.0.1.nip.io:${server.port}`]) {
      const res = await get(`/?token=${server.token}`, { host });
      expect(res.status, host).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect((await get(`/?token=${server.token}`, { host: `localhost:${server.port}` })).status).toBe(200);
    expect((await get(`/?token=${server.token}`, { host: `LOCALHOST:${server.port}` })).status).toBe(200);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/assets/..\\..\\secret.txt',
    '//etc/passwd',
    '/etc/passwd',
    `/${ROOT.slice(1)}/package.json`,
    `/${encodeURIComponent(join(ROOT, 'package.json'))}`,
    '/assets/link-out.txt',
    '/.env',
    '/assets/%00',
    '/assets/%E0%A4%A',
    '/assets/./app.js',
    '/assets//app.js',
    'secret.txt',
  ])('never serves anything outside the build folder: %s', async (path) => {
    const res = await get(path, { cookie });
    expect([400, 403, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('distributed-processor');
  });

  it('answers /favicon.ico without a token, other methods with 405, /ws without upgrade with 426', async () => {
    expect((await get('/favicon.ico')).status).toBe(204);
    expect((await get('/', { cookie }, 'POST')).status).toBe(405);
    expect((await get('/ws', { cookie })).status).toBe(426);
    expect((await get('/nope.js', { cookie })).status).toBe(404);
  });

  it('without a built renderer the page says to run npm run build first', async () => {
    const bare = await startServer({ engine, port: 0, staticDir: join(tmp, 'not-built') });
    try {
      const res = await get(`/?token=${bare.token}`, {}, 'GET', bare.port);
      expect(res.status).toBe(500);
      expect(res.body).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});
