import { leadsToCsv, leadsToXlsx, RULES } from '@jiandu/domain';
import { NotFoundError, ValidationError } from '@jiandu/domain/errors';
import { DATASET_KINDS } from '@jiandu/domain/kinds';
import type { Lead } from '@jiandu/domain/model';
import type { LeadQuery, LeadRepository, RunRepository, VersionRepository } from '@jiandu/domain/ports';
import { PROGRAMS } from '@jiandu/domain/programs';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type Access, type Authenticator, type AuthVariables, authorize } from './auth.js';
import { errorResponse } from './errors.js';
import { leadDetail, leadSummary } from './views.js';

/** What the API needs: storage ports and an authenticator. */
export interface ApiDeps {
  readonly leads: LeadRepository;
  readonly versions: VersionRepository;
  readonly runs: RunRepository;
  readonly authenticator: Authenticator;
  /** Called with unexpected errors (a structured logger in Lambda). */
  readonly logError?: (error: Error) => void;
}

type AppEnv = { Variables: AuthVariables };

/** One route of the API, with the access it declares (the authorization tests iterate this table). */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly handle: (c: Context<AppEnv>) => Promise<Response> | Response;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || where, message: i.message }));
  throw new ValidationError(`Invalid ${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, {
    issues,
  });
}

const LeadFilters = z.object({
  rule: z.enum(RULES.map((r) => r.code) as [string, ...string[]]).optional(),
  status: z.enum(['new', 'assigned', 'verifying', 'confirmed', 'dismissed', 'superseded']).optional(),
  township: z.string().min(1).max(64).optional(),
});
const LeadListQuery = LeadFilters.extend({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(2048).optional(),
});
const ExportQuery = LeadFilters.extend({ format: z.enum(['csv', 'xlsx']).default('csv') });
const LeadIdParam = z.object({ leadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const VersionQuery = z.object({ department: z.string().min(1).max(64), kind: z.enum(DATASET_KINDS) });

async function allLeads(repo: LeadRepository, filters: Omit<LeadQuery, 'limit' | 'cursor'>): Promise<Lead[]> {
  const leads: Lead[] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.list({ ...filters, limit: 500, ...(cursor ? { cursor } : {}) });
    leads.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return leads;
}

function filtersOf(q: z.infer<typeof LeadFilters>): LeadQuery {
  return {
    ...(q.rule ? { rule: q.rule } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.township ? { township: q.township } : {}),
  };
}

/** The route table: every route the API serves and who may call it. */
export function routeTable(deps: ApiDeps): readonly RouteSpec[] {
  const inspectors: Access = ['inspector', 'admin'];
  return [
    {
      method: 'GET',
      path: '/api/v1/health',
      access: 'public',
      summary: 'Liveness',
      handle: (c) => c.json({ status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/api/v1/programs',
      access: 'public',
      summary: 'The subsidy program catalogue',
      handle: (c) =>
        c.json({ items: PROGRAMS.map(({ code, name, meansTested }) => ({ code, name, meansTested })) }),
    },
    {
      method: 'GET',
      path: '/api/v1/rules',
      access: 'public',
      summary: 'The lead rules and what they look for',
      handle: (c) =>
        c.json({
          items: RULES.map(({ code, key, title, description, reads }) => ({
            code,
            key,
            title,
            description,
            reads,
          })),
        }),
    },
    {
      method: 'GET',
      path: '/api/v1/leads',
      access: inspectors,
      summary: 'List leads, newest first, personal data masked',
      handle: async (c) => {
        const q = parse(LeadListQuery, c.req.query(), 'query');
        const page = await deps.leads.list({
          ...filtersOf(q),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        return c.json({ items: page.items.map(leadSummary), cursor: page.cursor ?? null });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/leads/export',
      access: inspectors,
      summary: 'Export the filtered leads as CSV (UTF-8 with BOM) or XLSX',
      handle: async (c) => {
        const q = parse(ExportQuery, c.req.query(), 'query');
        const leads = await allLeads(deps.leads, filtersOf(q));
        const stamp = new Date().toISOString().slice(0, 10);
        if (q.format === 'xlsx') {
          const body = await leadsToXlsx(leads);
          return c.body(body as Uint8Array<ArrayBuffer>, 200, {
            'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'Content-Disposition': `attachment; filename="leads-${stamp}.xlsx"`,
          });
        }
        return c.body(leadsToCsv(leads), 200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="leads-${stamp}.csv"`,
        });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/leads/:leadId',
      access: inspectors,
      summary: 'One lead with its evidence, reasons and score breakdown',
      handle: async (c) => {
        const { leadId } = parse(LeadIdParam, c.req.param(), 'path');
        const lead = await deps.leads.get(leadId);
        if (!lead) throw new NotFoundError('Lead');
        return c.json(leadDetail(lead));
      },
    },
    {
      method: 'GET',
      path: '/api/v1/runs',
      access: inspectors,
      summary: 'Recent collision runs and their figures',
      handle: async (c) => c.json({ items: await deps.runs.list(50) }),
    },
    {
      method: 'GET',
      path: '/api/v1/versions',
      access: inspectors,
      summary: "A department's versions of one dataset kind, with quality reports",
      handle: async (c) => {
        const q = parse(VersionQuery, c.req.query(), 'query');
        return c.json({ items: await deps.versions.listOfDataset(q.department, q.kind) });
      },
    },
  ];
}

/** Build the HTTP API. The Lambda entry wraps it with `handle(app)`; locally @hono/node-server serves it. */
export function createApp(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const logError = deps.logError ?? ((error: Error) => console.error(error));
  app.onError((error, c) => errorResponse(error, c, logError));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'No such route' } }, 404));
  for (const route of routeTable(deps)) {
    app.on(route.method, route.path, authorize(route.access, deps.authenticator), (c) => route.handle(c));
  }
  return app;
}
