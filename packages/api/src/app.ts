import { Hono, type MiddlewareHandler } from 'hono';
import { type Access, authorize } from './auth.js';
import { errorResponse } from './errors.js';
import { auditRoutes } from './routes/audit.js';
import { datasetRoutes } from './routes/datasets.js';
import { disclosureRoutes } from './routes/disclosure.js';
import { docsRoutes } from './routes/docs.js';
import { leadRoutes } from './routes/leads.js';
import { publicRoutes } from './routes/public.js';
import { reportRoutes } from './routes/reports.js';
import { runRoutes } from './routes/runs.js';
import { statsRoutes } from './routes/stats.js';
import type { ApiDeps, AppEnv, RouteSpec } from './routes/types.js';

export type { ApiDeps, AppEnv, RouteSpec } from './routes/types.js';

/** The route table: every route the API serves and who may call it. */
export function routeTable(deps: ApiDeps): readonly RouteSpec[] {
  const routes: RouteSpec[] = [
    ...publicRoutes(deps),
    ...disclosureRoutes(deps),
    ...leadRoutes(deps),
    ...reportRoutes(deps),
    ...datasetRoutes(deps),
    ...runRoutes(deps),
    ...statsRoutes(deps),
    ...auditRoutes(deps),
  ];
  // The API describes itself: the OpenAPI document covers the whole table, its own routes too.
  const docs = docsRoutes(() => [...routes, ...docs]);
  return [...routes, ...docs];
}

/**
 * Staff answers carry personal data (names, ID numbers, reporters): no browser, proxy or CDN
 * may keep an answer of a private route, errors included.
 */
function cacheControl(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (access !== 'public') c.res.headers.set('Cache-Control', 'no-store');
  };
}

/** Build the HTTP API. The Lambda entry wraps it with `handle(app)`; locally @hono/node-server serves it. */
export function createApp(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const logError = deps.logError ?? ((error: Error) => console.error(error));
  app.onError((error, c) => errorResponse(error, c, logError));
  app.notFound((c) =>
    c.json(
      {
        error: { code: 'not_found', message: '没有这个接口，请核对地址（公开接口都在 /api/v1/public/ 下）' },
      },
      404,
    ),
  );
  for (const route of routeTable(deps)) {
    app.on(
      route.method,
      route.path,
      cacheControl(route.access),
      authorize(route.access, deps.authenticator),
      (c) => route.handle(c),
    );
  }
  return app;
}
