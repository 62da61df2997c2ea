import { createHash } from 'node:crypto';
import type { Page } from '@jiandu/domain/ports';
import { enforceRateLimit, type RateLimit, type RateLimitStore } from '@jiandu/domain/rate-limit';
import type { Context } from 'hono';
import type * as z from 'zod';
import { clientAddressOf } from '../client-address.js';
import { type ApiDeps, type AppEnv, clockOf, parse, type RouteSpec } from './types.js';

/**
 * What the public routes share: answers a CDN may keep (`ETag`, `Cache-Control: public,
 * max-age`, 304 for a matching `If-None-Match`), paged lists answered as views with
 * `nextCursor`, and the per-address rate limit counted across API instances.
 */

/** A public JSON answer with an `ETag` of its body and `Cache-Control: public, max-age`. */
export function cachedJson(c: Context<AppEnv>, body: unknown, maxAge: number): Response {
  const text = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
  const headers = { ETag: etag, 'Cache-Control': `public, max-age=${maxAge}` };
  const sent = c.req.header('if-none-match');
  if (sent?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*'))
    return new Response(null, { status: 304, headers });
  return new Response(text, { status: 200, headers: { ...headers, 'Content-Type': 'application/json' } });
}

/** A cacheable public GET route: its query parsed with `query` (declared for OpenAPI), `answer`'s body cached. */
export function publicGet<Q>(route: {
  readonly path: string;
  readonly summary: string;
  readonly query: z.ZodType<Q>;
  readonly maxAge: number;
  readonly answer: (q: Q) => Promise<unknown>;
}): RouteSpec {
  return {
    method: 'GET',
    path: route.path,
    access: 'public',
    summary: route.summary,
    request: { query: route.query },
    handle: async (c) =>
      cachedJson(c, await route.answer(parse(route.query, c.req.query(), 'query')), route.maxAge),
  };
}

/** A paged public list: one page read with the parsed query, answered as `{ items, nextCursor }` of views. */
export function publicList<Q, T>(route: {
  readonly path: string;
  readonly summary: string;
  readonly query: z.ZodType<Q>;
  readonly maxAge: number;
  readonly read: (q: Q) => Promise<Page<T>>;
  readonly view: (item: T) => unknown;
}): RouteSpec {
  return publicGet({
    ...route,
    answer: async (q) => {
      const page = await route.read(q);
      return { items: page.items.map(route.view), nextCursor: page.cursor ?? null };
    },
  });
}

/** The paging a list query asks for, without absent fields. */
export function pageOf(q: { limit?: number | undefined; cursor?: string | undefined }) {
  return { ...(q.limit ? { limit: q.limit } : {}), ...(q.cursor ? { cursor: q.cursor } : {}) };
}

/**
 * Counts requests per caller address (never stored: keyed by HMAC) in `limits`, shared by every
 * API instance; the returned function throws `TooManyRequestsError` with `message` past `limit`.
 */
export function addressLimiter(
  deps: Pick<ApiDeps, 'edge' | 'now'>,
  limits: RateLimitStore,
  addressKey: Uint8Array,
): (c: Context<AppEnv>, scope: string, limit: RateLimit, message: string) => Promise<void> {
  const now = clockOf(deps);
  return (c, scope, limit, message) =>
    enforceRateLimit(
      limits,
      addressKey,
      { scope, address: clientAddressOf(c, deps.edge), nowMs: Date.parse(now()) },
      limit,
      message,
    );
}
