/**
 * The web pages the local platform serves next to the API, on the same port (as CloudFront
 * serves the buckets and the API under one host in AWS): the villagers' page at `/` and the
 * staff dashboard at `/staff/`. They are the Vite builds (`npm run build:web`); the pages
 * only talk to `/api/…`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/** One static web app: its URL prefix and the folder of its build. */
export interface WebMount {
  /** URL prefix ending in `/` (`/`, `/staff/`). */
  readonly path: string;
  /** Absolute folder of the built app (its `index.html` and assets). */
  readonly dir: string;
  /**
   * The app's runtime configuration, served as `<path>config.json` (the dashboard reads its
   * OIDC client from it; in AWS the CDK stack writes the same file into the bucket).
   */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** The two web apps of the repository, most specific prefix first; `staffConfig` is the dashboard's config.json. */
export function webApps(
  repoRoot: string,
  staffConfig?: Readonly<Record<string, unknown>>,
): readonly WebMount[] {
  return [
    {
      path: '/staff/',
      dir: join(repoRoot, 'packages', 'web-staff', 'dist'),
      ...(staffConfig ? { config: staffConfig } : {}),
    },
    { path: '/', dir: join(repoRoot, 'packages', 'web-public', 'dist') },
  ];
}

/**
 * The dashboard's runtime configuration for an OIDC issuer: where to log in (authorization
 * code with PKCE), the client it logs in as, and where to sign out (none locally).
 */
export function staffWebConfig(issuer: string, clientId: string): Record<string, unknown> {
  return {
    clientId,
    authorizationEndpoint: `${issuer}/authorize`,
    tokenEndpoint: `${issuer}/token`,
    scope: 'openid',
  };
}

/** Anything with a fetch handler, like a hono app (`env`: @hono/node-server's socket bindings). */
interface FetchApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

const NOT_BUILT = (path: string) =>
  `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>页面尚未构建</title>` +
  `<p>${path} 的网页尚未构建：请先运行 <code>npm run build:web</code>，再刷新本页。</p></html>`;

/**
 * Serve `api` under `/api/` and the web apps elsewhere: a file of the build when it exists,
 * else the app's `index.html` (client-side routes), with hashed assets cached for a year and
 * pages revalidated. Without mounts, `api` answers every path.
 */
export function withWebPages(api: FetchApp, mounts: readonly WebMount[]): FetchApp {
  if (mounts.length === 0) return api;
  const app = new Hono();
  // The server's bindings go along: the API reads the caller's address from them (rate limits).
  app.all('/api/*', (c) => api.fetch(c.req.raw, c.env));
  app.all('/api', (c) => api.fetch(c.req.raw, c.env));
  for (const mount of mounts) {
    const prefix = mount.path.replace(/\/$/, '');
    const pattern = `${prefix}/*`;
    if (prefix) app.get(prefix, (c) => c.redirect(`${prefix}/`));
    const config = mount.config;
    if (config) {
      app.get(`${prefix}/config.json`, (c) => {
        c.header('Cache-Control', 'no-cache');
        return c.json(config);
      });
    }
    app.get(pattern, async (c, next) => {
      if (!existsSync(join(mount.dir, 'index.html'))) return c.html(NOT_BUILT(mount.path), 503);
      await next();
      // Vite's hashed assets never change; pages are revalidated so a new build shows at once.
      const immutable = c.res.ok && c.req.path.startsWith(`${prefix}/assets/`);
      c.res.headers.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    });
    app.get(
      pattern,
      serveStatic({ root: mount.dir, rewriteRequestPath: (path) => path.slice(prefix.length) || '/' }),
    );
    // Client-side routes (`/staff/leads/…`) load the app's page; missing files stay 404.
    app.get(pattern, (c, next) =>
      /\.[a-z0-9]+$/i.test(c.req.path)
        ? next()
        : serveStatic({ path: join(mount.dir, 'index.html') })(c, next),
    );
  }
  return app;
}
