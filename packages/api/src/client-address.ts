import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from './routes/types.js';

/**
 * The header CloudFront adds to every request it sends to the API origin, carrying a token
 * from Secrets Manager that only the distribution and the API know (infra: web hosting).
 */
export const EDGE_TOKEN_HEADER = 'x-jiandu-edge';
/** The header the distribution's viewer-request function sets to the viewer's address. */
export const VIEWER_ADDRESS_HEADER = 'x-jiandu-viewer';

/**
 * The CDN in front of the API, when there is one: requests carrying its token name the
 * viewer's address in {@link VIEWER_ADDRESS_HEADER}. Behind CloudFront the gateway's source
 * address is an edge server shared by a whole county, which would make per-client limits
 * per-county limits.
 */
export interface TrustedEdge {
  /** The token CloudFront sends in {@link EDGE_TOKEN_HEADER}. */
  readonly token: string;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The caller's address, for per-client rate limits and staff audit entries (never logged):
 * the viewer address the trusted edge vouches for; else API Gateway's
 * `requestContext.http.sourceIp` in Lambda, the socket's remote address under
 * @hono/node-server locally. `X-Forwarded-For` and an address header without the edge's
 * token are never trusted (anyone can send them). `unknown` when nothing is available
 * (in-process tests).
 */
export function clientAddressOf(c: Context<AppEnv>, edge: TrustedEdge | undefined): string {
  if (edge && sameToken(c.req.header(EDGE_TOKEN_HEADER), edge.token)) {
    const viewer = c.req.header(VIEWER_ADDRESS_HEADER)?.trim();
    if (viewer) return viewer;
  }
  const env = c.env as
    | {
        requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return (
    env?.requestContext?.http?.sourceIp ??
    env?.requestContext?.identity?.sourceIp ??
    env?.incoming?.socket?.remoteAddress ??
    'unknown'
  );
}
