import {
  AUDIT_ACTIONS,
  AUDIT_LEAD_ID_PAGE,
  type AuditAction,
  type AuditTarget,
  auditEntry,
} from '@jiandu/domain/audit';
import { NotFoundError } from '@jiandu/domain/errors';
import { endOfChinaDay, startOfChinaDay } from '@jiandu/domain/time';
import type { Context } from 'hono';
import * as z from 'zod';
import { requirePrincipal } from '../auth.js';
import { clientAddressOf } from '../client-address.js';
import { Day, Paging } from './schemas.js';
import { type ApiDeps, type AppEnv, clockOf, parse, type RouteSpec } from './types.js';

/**
 * Append an audit entry for the calling principal: who, when, what and from where. Awaited
 * before any data is returned, so a read the log could not record fails instead.
 */
export async function recordAudit(
  deps: ApiDeps,
  c: Context<AppEnv>,
  action: AuditAction,
  target: AuditTarget,
): Promise<void> {
  const principal = requirePrincipal(c.get('principal'));
  const userAgent = c.req.header('user-agent');
  await deps.workflow.audit.append(
    auditEntry(
      {
        actor: principal.subject,
        roles: principal.roles,
        action,
        target,
        sourceIp: clientAddressOf(c, deps.edge),
        ...(userAgent ? { userAgent } : {}),
      },
      clockOf(deps)(),
    ),
  );
}

const Instant = z
  .string()
  .refine(
    (v) => Day.safeParse(v).success || !Number.isNaN(Date.parse(v)),
    '应为日期（如 2024-03-01）或 ISO 时间',
  );

const AuditQuerySchema = z
  .object({
    actor: z.string().min(1).max(128).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    ...Paging,
  })
  .refine((q) => !q.from || !q.to || bound(q.from, 'from') <= bound(q.to, 'to'), {
    message: '不能晚于截止时间（to）',
    path: ['from'],
  });

/** An entry's id (`{at}#{random}`), percent-encoded in the path (`%23` for `#`). */
const AuditIdParam = z.object({
  auditId: z.string().regex(/^\d{4}-\d{2}-\d{2}T[\d:.]{8,12}Z#[A-Za-z0-9-]{1,64}$/, '编号格式不正确'),
});

const LeadIdsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(AUDIT_LEAD_ID_PAGE.max).optional(),
  cursor: z.string().max(16).optional(),
});

/** A day (China Standard Time) or an instant, as the ISO instant bounding the range. */
function bound(value: string, side: 'from' | 'to'): string {
  if (!Day.safeParse(value).success) return new Date(value).toISOString();
  return side === 'from' ? startOfChinaDay(value) : endOfChinaDay(value);
}

/** The audit log, for admins only: filter by actor, action and time; newest first. */
export function auditRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/audit',
      access: ['admin'],
      summary: 'The audit log of lead reads, exports, personal lookups and workflow changes',
      request: { query: AuditQuerySchema },
      handle: async (c) => {
        const q = parse(AuditQuerySchema, c.req.query(), 'query');
        const page = await deps.workflow.audit.query({
          ...(q.actor ? { actor: q.actor } : {}),
          ...(q.action ? { action: q.action } : {}),
          ...(q.from ? { from: bound(q.from, 'from') } : {}),
          ...(q.to ? { to: bound(q.to, 'to') } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        return c.json({ items: page.items, cursor: page.cursor ?? null });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/audit/:auditId/leads',
      access: ['admin'],
      summary:
        'Every lead id an audit entry names (an export of any size), in the order returned, a page at a time',
      request: { query: LeadIdsQuery },
      handle: async (c) => {
        const { auditId } = parse(AuditIdParam, c.req.param(), 'path');
        const q = parse(LeadIdsQuery, c.req.query(), 'query');
        const page = await deps.workflow.audit.leadIds(auditId, q);
        if (!page) throw new NotFoundError('Audit entry');
        return c.json({ auditId, ...page, cursor: page.cursor ?? null });
      },
    },
  ];
}
