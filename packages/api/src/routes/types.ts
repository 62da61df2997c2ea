import type { PendingCollisionRepository } from '@jiandu/domain/collision-burst';
import { ValidationError } from '@jiandu/domain/errors';
import type {
  CollisionStarter,
  LeadRepository,
  RunRepository,
  VersionRepository,
  WorkflowExecutions,
} from '@jiandu/domain/ports';
import type { Context } from 'hono';
import type * as z from 'zod';
import {
  type Access,
  type Authenticator,
  type AuthVariables,
  type Principal,
  requirePrincipal,
} from '../auth.js';
import type { TrustedEdge } from '../client-address.js';
import { parse } from '../validation.js';
import type { DatasetApiDeps } from './datasets.js';
import type { DisclosureApiDeps } from './disclosure.js';
import type { WorkflowApiDeps } from './leads.js';
import type { ReportApiDeps } from './reports.js';

/** What the API needs: storage ports, the collision starter and an authenticator. */
export interface ApiDeps {
  readonly leads: LeadRepository;
  readonly versions: VersionRepository;
  readonly runs: RunRepository;
  readonly collisions: CollisionStarter;
  /** The pending (coalesced) collision of a burst of uploads (`POST /api/v1/uploads/complete`). */
  readonly pendingCollisions: PendingCollisionRepository;
  /** Failed workflow executions, listed and redriven (`routes/runs.ts`). */
  readonly executions: WorkflowExecutions;
  readonly authenticator: Authenticator;
  /** Department data: rejects files, presigned uploads, the progress board (`routes/datasets.ts`). */
  readonly datasets: DatasetApiDeps;
  /** Lead workflow, audit log and statistics (`routes/leads.ts`, `routes/audit.ts`, `routes/stats.ts`). */
  readonly workflow: WorkflowApiDeps;
  /** Reports (一键举报): storage, deadlines, routing (`routes/reports.ts`). */
  readonly reports: ReportApiDeps;
  /** Public disclosure: projections, publish settings, lookup key and limits (`routes/disclosure.ts`). */
  readonly disclosure: DisclosureApiDeps;
  /** Called with unexpected errors (a structured logger in Lambda). */
  /** The CDN in front of the API (CloudFront in AWS), whose viewer address header is trusted. */
  readonly edge?: TrustedEdge;
  readonly logError?: (error: Error) => void;
  /** The API's clock (ISO instants); injected so tests are deterministic. @default the system clock */
  readonly now?: () => string;
}

/** The one clock of the API: {@link ApiDeps.now}, or the system clock. */
export function clockOf(deps: Pick<ApiDeps, 'now'>): () => string {
  return deps.now ?? (() => new Date().toISOString());
}

/** The Hono environment of every route. */
export type AppEnv = { Variables: AuthVariables };

/** One route of the API, with the access it declares (the authorization tests iterate this table). */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  /**
   * The zod schemas the handler validates the request with, when it has them: the OpenAPI
   * document (`openapi.ts`) describes the route's query and body from exactly these.
   */
  readonly request?: { readonly query?: z.ZodType; readonly body?: z.ZodType };
  readonly handle: (c: Context<AppEnv>) => Promise<Response> | Response;
}

export { parse };

/** The caller of a private route and the query it sent, parsed. */
export function callerQuery<T>(c: Context<AppEnv>, schema: z.ZodType<T>): { principal: Principal; q: T } {
  return { principal: requirePrincipal(c.get('principal')), q: parse(schema, c.req.query(), 'query') };
}

/** Parse a JSON request body; a body that is not JSON is a ValidationError too. */
export async function parseBody<T>(schema: z.ZodType<T>, c: Context<AppEnv>): Promise<T> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ValidationError('请求内容不是有效的 JSON：请按接口文档（/api/v1/docs）发送 JSON 对象');
  }
  return parse(schema, body, 'body');
}

/** Everyone who works leads county-wide. */
export const INSPECTORS: Access = ['inspector', 'admin'];
