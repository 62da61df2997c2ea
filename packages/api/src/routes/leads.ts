import { leadsToCsv, leadsToXlsx, RULES } from '@jiandu/domain';
import { NotFoundError } from '@jiandu/domain/errors';
import type { Lead } from '@jiandu/domain/model';
import type { LeadQuery, LeadRepository } from '@jiandu/domain/ports';
import { z } from 'zod';
import { leadDetail, leadSummary } from '../views.js';
import { type ApiDeps, INSPECTORS, parse, type RouteSpec } from './types.js';

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

/** Inspectors' lead routes: list, export, detail. */
export function leadRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/leads',
      access: INSPECTORS,
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
      access: INSPECTORS,
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
      access: INSPECTORS,
      summary: 'One lead with its evidence, reasons and score breakdown',
      handle: async (c) => {
        const { leadId } = parse(LeadIdParam, c.req.param(), 'path');
        const lead = await deps.leads.get(leadId);
        if (!lead) throw new NotFoundError('Lead');
        return c.json(leadDetail(lead));
      },
    },
  ];
}
