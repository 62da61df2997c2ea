import { leadsToCsv } from '@jiandu/domain';
import { subjectHash } from '@jiandu/domain/audit';
import { ValidationError } from '@jiandu/domain/errors';
import { LEAD_EXPORT_HEADERS } from '@jiandu/domain/export/leads-export';
import { assigneesOf, checkAssignee, type StaffDirectory } from '@jiandu/domain/leads/assignees';
import {
  DEFAULT_MIN_SCORE,
  LEAD_SORTS,
  type LeadFilter,
  resolveDefaultView,
  sameSubject,
  sortLeads,
  subjectFilter,
} from '@jiandu/domain/leads/query';
import { applyLeadCommand, type CorrectionSource, correctionTasksFor } from '@jiandu/domain/leads/workflow';
import type { Lead, LeadStatus } from '@jiandu/domain/model';
import { readTypedIdNumber } from '@jiandu/domain/normalize/id';
import type { AuditLog, CorrectionTaskRepository } from '@jiandu/domain/ports';
import { sortReports } from '@jiandu/domain/reports/query';
import { chinaDay } from '@jiandu/domain/time';
import type { Context } from 'hono';
import * as z from 'zod';
import { canSeeTownship, departmentScope, isCountyWide, type Principal, townshipScope } from '../auth.js';
import { leadsToXlsx } from '../lead-workbook.js';
import { reportSummary } from '../report-views.js';
import { type EvidenceSource, leadDetail, leadSummary, leadWorkflowView } from '../views.js';
import { recordAudit } from './audit.js';
import { commandHandler, townshipObjectInPath, withNote } from './command.js';
import {
  Amount,
  CommandFields,
  CreatedRange,
  checkCreatedRange,
  commaList,
  Day,
  Flag,
  Note,
  Paging,
  PlaceName,
  RuleCode,
} from './schemas.js';
import {
  type ApiDeps,
  type AppEnv,
  callerQuery,
  clockOf,
  INSPECTORS,
  parseBody,
  type RouteSpec,
} from './types.js';

/** What the lead workflow, audit and statistics routes need besides the lead repository. */
export interface WorkflowApiDeps {
  /** The append-only audit log of confidential reads and workflow changes. */
  readonly audit: AuditLog;
  /** Correction tasks for departments (leads dismissed as 源数据错误). */
  readonly corrections: CorrectionTaskRepository;
  /** The default list view hides scores below this. @default DEFAULT_MIN_SCORE (20) */
  readonly minScore?: number;
  /** The platform's audit key (`PlatformKeys.audit`): personal lookups are logged as an HMAC of the ID. */
  readonly auditKey: Uint8Array;
  /** Staff accounts (Cognito user pool, or the local issuer's users): who a lead may be assigned to. */
  readonly staff: StaffDirectory;
}

/** Who works leads: county-wide inspectors and admins, and township officers for their township. */
const LEAD_WORKERS = ['inspector', 'admin', 'township_officer'] as const;

const STATUSES = ['new', 'assigned', 'verifying', 'confirmed', 'dismissed', 'superseded'] as const;

const LeadFilters = z
  .object({
    rule: RuleCode.optional(),
    /** One status or several, comma-separated. */
    status: commaList(STATUSES).optional(),
    township: PlaceName.optional(),
    village: PlaceName.optional(),
    assignee: z.string().min(1).max(64).optional(),
    minScore: z.coerce.number().int().min(0).max(100).optional(),
    maxScore: z.coerce.number().int().min(0).max(100).optional(),
    minAmount: Amount.optional(),
    maxAmount: Amount.optional(),
    ...CreatedRange,
    overdue: Flag.optional(),
    includeSuperseded: Flag.optional(),
    sort: z.enum(LEAD_SORTS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .superRefine((q, ctx) => {
    const check = (ok: boolean, field: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [field], message });
    };
    check(
      q.minScore === undefined || q.maxScore === undefined || q.minScore <= q.maxScore,
      'minScore',
      '不能大于最高分（maxScore）',
    );
    check(
      q.minAmount === undefined || q.maxAmount === undefined || q.minAmount <= q.maxAmount,
      'minAmount',
      '不能大于最高金额（maxAmount）',
    );
    checkCreatedRange(q, ctx);
  });
type LeadFilterQuery = z.infer<typeof LeadFilters>;

const LeadListQuery = LeadFilters.and(z.object(Paging));
const ExportQuery = LeadFilters.and(
  z.object({
    format: z.enum(['csv', 'xlsx']).default('csv'),
    /** `zh` (default): headers and labels for people; `canonical`: the contract's names for scripts. */
    headers: z.enum(LEAD_EXPORT_HEADERS).default('zh'),
  }),
);
const OverdueQuery = z.object({
  /** `mine` (default): the leads the caller assigned; `all`: every overdue lead. */
  scope: z.enum(['mine', 'all']).default('mine'),
});
const LookupBody = z.object({ idNumber: z.string().min(15).max(40) });
const CorrectionsQuery = z.object({ department: z.string().min(1).max(64).optional(), ...Paging });

const AssignBody = z.object({
  kind: z.enum(['person', 'township_office']),
  assignee: z.string().min(1).max(64),
  deadline: Day,
  ...CommandFields,
});
const StartBody = z.object(CommandFields);
const Count = z.number().int().min(0).max(100_000);
const ConfirmBody = z.object({
  /** 元, as typed (`2,250`, `¥2250.50`) */
  verifiedAmount: Amount,
  /** 元, as typed */
  recoveredAmount: Amount,
  dispositions: z.object({ partyDiscipline: Count, admonition: Count, criticism: Count }),
  ...CommandFields,
  note: Note.min(1),
});
const DismissBody = z.object({
  reason: z.enum(['source_data_wrong', 'no_violation', 'duplicate', 'other']),
  wrongRows: z
    .array(
      z.object({
        versionId: z.string().min(1).max(128),
        row: z.number().int().min(1),
        sheet: z.string().max(64).optional(),
      }),
    )
    .max(1000)
    .optional(),
  ...CommandFields,
  note: Note.min(1),
});

/** The lead filter a request asks for, limited to the caller's township, with the default view applied. */
function filterOf(q: LeadFilterQuery, principal: Principal, minScore: number): LeadFilter {
  const township = townshipScope(principal, q.township);
  const filter: LeadFilter = {
    ...(q.rule ? { rule: q.rule } : {}),
    ...(q.status ? { statuses: q.status as LeadStatus[] } : {}),
    ...(township !== undefined ? { township } : {}),
    ...(q.village ? { village: q.village } : {}),
    ...(q.assignee ? { assignee: q.assignee } : {}),
    ...(q.minScore !== undefined ? { minScore: q.minScore } : {}),
    ...(q.maxScore !== undefined ? { maxScore: q.maxScore } : {}),
    ...(q.minAmount !== undefined ? { minAmount: q.minAmount } : {}),
    ...(q.maxAmount !== undefined ? { maxAmount: q.maxAmount } : {}),
    ...(q.createdFrom ? { createdFrom: q.createdFrom } : {}),
    ...(q.createdTo ? { createdTo: q.createdTo } : {}),
    ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
  };
  return resolveDefaultView(filter, {
    minScore,
    ...(q.includeSuperseded ? { includeSuperseded: true } : {}),
  });
}

/** The query parameters as sent, for the audit record of an export (no personal data can be in them). */
function sentFilters(c: Context<AppEnv>): Record<string, string> {
  const { cursor: _cursor, ...rest } = c.req.query();
  return rest;
}

/** Inspectors' lead routes: list, export, overdue, personal lookup, detail, workflow commands, corrections. */
export function leadRoutes(deps: ApiDeps): RouteSpec[] {
  const now = clockOf(deps);
  const minScore = deps.workflow.minScore ?? DEFAULT_MIN_SCORE;

  const visibleLead = townshipObjectInPath(
    'Lead',
    'leadId',
    (id) => deps.leads.get(id),
    (lead) => lead.township,
  );

  async function sourcesOf(lead: Lead): Promise<Map<string, EvidenceSource & CorrectionSource>> {
    const ids = [...new Set(lead.evidence.map((e) => e.versionId))];
    const versions = await Promise.all(ids.map((id) => deps.versions.get(id)));
    const sources = new Map<string, EvidenceSource & CorrectionSource>();
    for (const v of versions) {
      if (!v) continue;
      sources.set(v.versionId, {
        versionId: v.versionId,
        kind: v.kind,
        fileName: v.fileName,
        department: v.department,
        receivedAt: v.receivedAt,
        status: v.status,
      });
    }
    return sources;
  }

  /** The lead workflow through the command flow; dismissals create correction tasks. */
  const command = commandHandler(deps, {
    noun: '线索',
    load: visibleLead,
    apply: applyLeadCommand,
    write: async (lead, next) => {
      // Computed before the write: a task with nobody to go to must fail the dismissal, not vanish after it.
      const tasks = correctionTasksFor(next, await sourcesOf(next));
      await deps.leads.put(next, lead.revision);
      // Idempotent ids: a retried request never creates a second task.
      for (const task of tasks) await deps.workflow.corrections.create(task);
      return tasks;
    },
    audit: { action: 'lead.update', target: (next) => ({ leadId: next.leadId }) },
    view: (next, tasks) => ({ ...leadWorkflowView(next), correctionTasks: tasks.map((t) => t.taskId) }),
  });

  return [
    {
      method: 'GET',
      path: '/api/v1/leads',
      access: LEAD_WORKERS,
      summary:
        'List leads with filters and sorting, personal data masked; hides low scores and superseded leads by default. ' +
        '`total` (how many match) is given when known without counting every lead — from the kept sums when the filter narrows only by rule, township, created dates, status and a score range on a multiple of ten (the default view), or when one page holds every match — and left out otherwise; `cursor` is null on the last page',
      request: { query: LeadListQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, LeadListQuery);
        // A page from the store (by index for the default order), not every lead sorted here.
        const page = await deps.leads.page(filterOf(q, principal, minScore), {
          ...(q.sort ? { sort: q.sort } : {}),
          ...(q.order ? { order: q.order } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        return c.json({
          items: page.items.map(leadSummary),
          cursor: page.cursor ?? null,
          ...(page.total !== undefined ? { total: page.total } : {}),
        });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/leads/export',
      access: LEAD_WORKERS,
      summary: 'Export the filtered view as CSV (UTF-8 with BOM) or XLSX (audited)',
      request: { query: ExportQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, ExportQuery);
        const leads = sortLeads(await deps.leads.scan(filterOf(q, principal, minScore)), q.sort, q.order);
        await recordAudit(deps, c, 'leads.export', {
          format: q.format,
          filters: sentFilters(c),
          leadIds: leads.map((l) => l.leadId),
        });
        const stamp = chinaDay(now());
        if (q.format === 'xlsx') {
          const body = await leadsToXlsx(leads, q.headers);
          return c.body(body as Uint8Array<ArrayBuffer>, 200, {
            'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'Content-Disposition': `attachment; filename="leads-${stamp}.xlsx"`,
          });
        }
        return c.body(leadsToCsv(leads, q.headers), 200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="leads-${stamp}.csv"`,
        });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/leads/overdue',
      access: LEAD_WORKERS,
      summary:
        'Overdue assigned leads: those the caller assigned (scope=mine), all, or the officer’s township',
      request: { query: OverdueQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, OverdueQuery);
        const township = townshipScope(principal);
        const leads = await deps.leads.scan({
          overdue: true,
          statuses: ['assigned', 'verifying'],
          ...(township !== undefined ? { township } : {}),
          ...(isCountyWide(principal) && q.scope === 'mine' ? { assignedBy: principal.subject } : {}),
        });
        // Overdue lists are short (a handful per inspector): all of them, earliest deadline first.
        const items = sortLeads(leads, 'date', 'asc')
          .sort((a, b) => (a.assignment?.deadline ?? '').localeCompare(b.assignment?.deadline ?? ''))
          .map((l) => ({
            ...leadSummary(l),
            assignment: l.assignment ?? null,
            overdueSince: l.overdueSince ?? null,
          }));
        return c.json({ items });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/leads/lookup',
      access: INSPECTORS,
      summary: 'Personal lookup: every lead of one ID number (POST so the number stays out of URLs; audited)',
      request: { body: LookupBody },
      handle: async (c) => {
        const body = await parseBody(LookupBody, c);
        const normalized = readTypedIdNumber(body.idNumber);
        if (!('id' in normalized))
          throw new ValidationError(`身份证号（idNumber）${normalized.problem}`, { field: 'idNumber' });
        const leads = sortLeads(await deps.leads.scan({ idNumber: normalized.id }));
        await recordAudit(deps, c, 'person.lookup', {
          subjectHash: subjectHash(normalized.id, deps.workflow.auditKey),
          leadIds: leads.map((l) => l.leadId),
        });
        return c.json({ items: leads.map(leadSummary) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/corrections',
      access: ['inspector', 'admin', 'department_uploader'],
      summary:
        'Correction tasks (源数据错误) for data-owning departments; uploaders see their own department',
      request: { query: CorrectionsQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, CorrectionsQuery);
        const department = departmentScope(principal, q.department);
        const page = await deps.workflow.corrections.list({
          ...(department ? { department } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        return c.json({ items: page.items, cursor: page.cursor ?? null });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/leads/:leadId',
      access: LEAD_WORKERS,
      summary: 'One lead in full: evidence with source versions, same-subject leads, history (audited)',
      handle: async (c) => {
        const { target: lead, principal } = await visibleLead(c);
        const [sources, candidates, linked] = await Promise.all([
          sourcesOf(lead),
          deps.leads.scan(subjectFilter(lead)),
          deps.reports.repository.ofLead(lead.leadId),
        ]);
        const related = sortLeads(
          candidates.filter((other) => sameSubject(lead, other) && canSeeTownship(principal, other.township)),
        );
        // Linked reports of another office stay hidden, like other townships' leads.
        const at = now();
        const reports = sortReports(linked.filter((r) => canSeeTownship(principal, r.office))).map((r) =>
          reportSummary(r, at),
        );
        await recordAudit(deps, c, 'lead.read', { leadId: lead.leadId });
        c.header('ETag', `"${lead.revision}"`);
        return c.json(leadDetail(lead, { sources, related, reports }));
      },
    },
    {
      method: 'POST',
      path: '/api/v1/leads/:leadId/assign',
      access: INSPECTORS,
      summary: 'Assign or reassign a lead (疑点指派) to a person or a township office, with a deadline',
      request: { body: AssignBody },
      handle: command(AssignBody, async (body, _principal, lead) => ({
        action: 'assign',
        kind: body.kind,
        // A real user who can work the lead, or the office of its township (400 otherwise).
        assignee: checkAssignee(lead, body.kind, body.assignee, await deps.workflow.staff.members()),
        deadline: body.deadline,
        ...withNote(body),
      })),
    },
    {
      method: 'GET',
      path: '/api/v1/leads/:leadId/assignees',
      access: INSPECTORS,
      summary: 'Who a lead may be assigned to: its township’s office and the staff who can work it',
      handle: async (c) => {
        const { target: lead } = await visibleLead(c);
        return c.json(assigneesOf(lead, await deps.workflow.staff.members()));
      },
    },
    {
      method: 'POST',
      path: '/api/v1/leads/:leadId/start-verification',
      access: LEAD_WORKERS,
      summary: 'Start verifying an assigned lead (核查)',
      request: { body: StartBody },
      handle: command(StartBody, (body) => ({ action: 'start_verification', ...withNote(body) })),
    },
    {
      method: 'POST',
      path: '/api/v1/leads/:leadId/confirm',
      access: LEAD_WORKERS,
      summary: 'Confirm a lead being verified, with verified and recovered amounts (元) and dispositions',
      request: { body: ConfirmBody },
      handle: command(ConfirmBody, (body) => ({
        action: 'confirm',
        verifiedAmount: body.verifiedAmount,
        recoveredAmount: body.recoveredAmount,
        dispositions: body.dispositions,
        note: body.note,
      })),
    },
    {
      method: 'POST',
      path: '/api/v1/leads/:leadId/dismiss',
      access: LEAD_WORKERS,
      summary: 'Dismiss a lead with a reason; 源数据错误 creates a correction task for the department',
      request: { body: DismissBody },
      handle: command(DismissBody, (body) => ({
        action: 'dismiss',
        reason: body.reason,
        note: body.note,
        ...(body.wrongRows
          ? {
              wrongRows: body.wrongRows.map((w) => ({
                versionId: w.versionId,
                row: w.row,
                ...(w.sheet ? { sheet: w.sheet } : {}),
              })),
            }
          : {}),
      })),
    },
  ];
}
