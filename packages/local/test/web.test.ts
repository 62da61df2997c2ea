import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type WebMount, withWebPages } from '../src/web.js';

const root = mkdtempSync(join(tmpdir(), 'jiandu-web-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function build(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const mounts: WebMount[] = [
  { path: '/staff/', dir: build('staff', { 'index.html': 'STAFF', 'assets/app-1.js': 'staff()' }) },
  { path: '/', dir: build('public', { 'index.html': 'PUBLIC', 'assets/app-2.js': 'pub()' }) },
];
const api = { fetch: (request: Request) => Response.json({ api: new URL(request.url).pathname }) };
const site = withWebPages(api, mounts);
const get = (path: string) => site.fetch(new Request(`http://localhost${path}`));

describe('web pages next to the API', () => {
  it('passes /api/ to the API, methods and all', async () => {
    expect(await (await get('/api/v1/health')).json()).toEqual({ api: '/api/v1/health' });
    const post = await site.fetch(new Request('http://localhost/api/v1/public/reports', { method: 'POST' }));
    expect(await post.json()).toEqual({ api: '/api/v1/public/reports' });
  });

  it("hands the server's bindings (the caller's socket) on to the API", async () => {
    const echo = withWebPages(
      { fetch: (_request: Request, env?: unknown) => Response.json(env ?? null) },
      mounts,
    );
    const env = { incoming: { socket: { remoteAddress: '203.0.113.7' } } };
    const response = await echo.fetch(new Request('http://localhost/api/v1/health'), env);
    expect(await response.json()).toEqual(env);
  });

  it('serves each app from its prefix, client routes from its index.html', async () => {
    expect(await (await get('/')).text()).toBe('PUBLIC');
    expect(await (await get('/village/1234')).text()).toBe('PUBLIC');
    expect(await (await get('/staff/')).text()).toBe('STAFF');
    expect(await (await get('/staff/leads/abc')).text()).toBe('STAFF');
    expect((await get('/staff')).headers.get('location')).toBe('/staff/');
    const asset = await get('/staff/assets/app-1.js');
    expect(await asset.text()).toBe('staff()');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('says in Chinese how to build an app that is not built', async () => {
    const unbuilt = withWebPages(api, [{ path: '/', dir: join(root, 'nowhere') }]);
    const response = await unbuilt.fetch(new Request('http://localhost/'));
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
  });
});
