import { NotFoundError, ValidationError } from '@jiandu/domain/errors';
import type { PlatformKeys } from '@jiandu/domain/keys';
import { sortLeads } from '@jiandu/domain/leads/query';
import type { Lead } from '@jiandu/domain/model';
import type { DivisionIndex } from '@jiandu/domain/normalize/division';
import type { ReportRepository } from '@jiandu/domain/ports';
import type { RateLimit, RateLimitStore } from '@jiandu/domain/rate-limit';
import type { ReportDeadlineConfig } from '@jiandu/domain/reports/config';
import {
  DEFAULT_POW,
  InvalidProofError,
  newPowChallenge,
  verifyPowProof,
} from '@jiandu/domain/reports/proof-of-work';
import { matchesReportFilter, type ReportFilter, sortReports } from '@jiandu/domain/reports/query';
import {
  applyReportCommand,
  fileReport,
  legacyReceiptHash,
  normalizeReceiptCode,
  REPORT_CATEGORIES,
  REPORT_STATUSES,
  type Report,
  type ReportActor,
  type ReportCommand,
  type Reporter,
  type ReportStatus,
  receiptHash,
} from '@jiandu/domain/reports/report';
import { routeReport } from '@jiandu/domain/reports/routing';
import * as z from 'zod';
import { canSeeTownship, isCountyWide, type Principal, requirePrincipal, townshipScope } from '../auth.js';
import {
  assistedReportView,
  filingReceipt,
  leadsMentioned,
  receiptView,
  reportDetail,
  reportSummary,
  reportWorkflowView,
  withoutHiddenLeads,
} from '../report-views.js';
import { leadSummary } from '../views.js';
import { recordAudit } from './audit.js';
import { commandHandler, townshipObjectInPath, withNote } from './command.js';
import { addressLimiter } from './public-answers.js';
import { CommandFields, commaList, Flag, ObjectId } from './schemas.js';
import { type ApiDeps, callerQuery, clockOf, parseBody, type RouteSpec } from './types.js';

/** What the report routes need. */
export interface ReportApiDeps {
  readonly repository: ReportRepository;
  /** Deadlines stamped on new reports (env `REPORT_DEADLINES` over the defaults). */
  readonly deadlines: ReportDeadlineConfig;
  /** The county's divisions in force, for routing; undefined while none were uploaded. */
  readonly divisions?: () => Promise<DivisionIndex | undefined>;
  /** Receipt digests, proof-of-work signatures and rate-limit counter keys. */
  readonly keys: Pick<PlatformKeys, 'receipts' | 'challenges' | 'addresses'>;
  /** Counters shared by every API instance (DynamoDB with TTL in AWS and locally). */
  readonly limits: RateLimitStore;
  /** Receipt lookups per caller address and window, across all instances. @default 20 per 600 s */
  readonly lookupLimit?: RateLimit;
  /** Public filings per caller address and window, across all instances. @default 5 per 3600 s */
  readonly filingLimit?: RateLimit;
  /** Leading zero bits the public filing's proof of work needs. @default DEFAULT_POW.difficulty (18) */
  readonly powDifficulty?: number;
  /** Random bytes for receipt codes. @default crypto.randomBytes */
  readonly random?: (size: number) => Uint8Array;
}

/** The answer to a receipt code no report has (the villagers' page shows the API's message). */
const RECEIPT_NOT_FOUND = '没有找到这个查询码的举报：请核对查询码（提交举报时显示的16位）后重新输入';

/** Who handles reports: county-wide inspectors and admins, township officers for their township's office. */
const REPORT_WORKERS = ['inspector', 'admin', 'township_officer'] as const;

const Text = (max: number) => z.string().trim().max(max);
const Place = Text(64).min(1);
const ReporterBody = z.object({ name: Text(32).min(1), phone: z.string().min(7).max(24) });

const SubmissionFields = {
  category: z.enum(REPORT_CATEGORIES),
  // A short complaint is a complaint (`修路工程偷工减料`): only blank content is refused.
  content: Text(5000).min(1, '请填写举报内容'),
  anonymous: z.boolean(),
  reporter: ReporterBody.optional(),
  /** Send it straight to the county commission (e.g. a complaint about the township office itself). */
  toCounty: z.boolean().optional(),
};

/** A real-name report needs the reporter; an anonymous one must not carry one (nothing is dropped silently). */
function reporterRule(b: { anonymous: boolean; reporter?: unknown }, ctx: z.RefinementCtx): void {
  if (!b.anonymous && !b.reporter)
    ctx.addIssue({ code: 'custom', path: ['reporter'], message: '实名举报须填写举报人' });
  if (b.anonymous && b.reporter)
    ctx.addIssue({
      code: 'custom',
      path: ['reporter'],
      message: '匿名举报不填写举报人（填了也不会保存）',
    });
}

/** The proof of work of a public filing: the challenge handed out and the solution found. */
const Proof = z.object({ challenge: z.string().min(1).max(512), solution: z.string().min(1).max(64) });
/** The body of a public filing (the villagers' page builds it; its type is imported there). */
export const PublicReportBody = z
  .object({ ...SubmissionFields, township: Place.optional(), village: Place.optional(), proof: Proof })
  .superRefine(reporterRule);
/** Supervisors file for a villager of a village: the village is required. */
const AssistedReportBody = z
  .object({ ...SubmissionFields, township: Place.optional(), village: Place })
  .superRefine(reporterRule);
/** The body of a receipt lookup. */
export const LookupBody = z.object({ receiptCode: z.string().min(1).max(64) });

const ReportListQuery = z.object({
  status: commaList(REPORT_STATUSES).optional(),
  township: Place.optional(),
  category: z.enum(REPORT_CATEGORIES).optional(),
  channel: z.enum(['online', 'assisted']).optional(),
  overdue: Flag.optional(),
});
const StepBody = z.object(CommandFields);
const ConcludeBody = z.object({
  answer: Text(5000).min(1, '须填写给举报人的答复'),
  ...CommandFields,
});
const LeadLinkBody = z.object({ leadId: ObjectId, expectedRevision: CommandFields.expectedRevision });

const reporterOf = (b: {
  anonymous: boolean;
  reporter?: { name: string; phone: string } | undefined;
}): Reporter =>
  b.anonymous || !b.reporter
    ? { anonymous: true }
    : { anonymous: false, name: b.reporter.name, phone: b.reporter.phone };

/**
 * Reports (一键举报): public filing and receipt lookup, assisted filing by village
 * supervisors, and the offices' list, detail (audited) and handling commands.
 */
export function reportRoutes(deps: ApiDeps): RouteSpec[] {
  const reports = deps.reports;
  const now = clockOf(deps);
  const powDifficulty = reports.powDifficulty ?? DEFAULT_POW.difficulty;

  /** Count one request of `scope` from the caller's address against `limit`, across instances. */
  const limitAddress = addressLimiter(deps, reports.limits, reports.keys.addresses);

  /** Validate, route and store a new report; the receipt code goes back to the filer once. */
  async function file(
    body: Omit<z.infer<typeof PublicReportBody>, 'proof'>,
    assistedBy?: ReportActor,
  ): Promise<{ report: Report; receiptCode: string; placeNote?: string }> {
    const divisions = await reports.divisions?.();
    const routing = routeReport({ township: body.township, village: body.village }, divisions, {
      toCounty: body.toCounty,
    });
    const filed = fileReport(
      {
        category: body.category,
        township: body.township,
        village: body.village,
        content: body.content,
        reporter: reporterOf(body),
      },
      {
        now: now(),
        deadlines: reports.deadlines,
        routing,
        receiptKey: reports.keys.receipts,
        ...(assistedBy ? { assistedBy } : {}),
        ...(reports.random ? { random: reports.random } : {}),
      },
    );
    await reports.repository.create(filed.report);
    return { ...filed, ...(routing.explanation ? { placeNote: routing.explanation } : {}) };
  }

  /**
   * A report filed before receipts were keyed (12-symbol code, plain SHA-256 stored): found
   * once by the old digest, then its receipt moves to the keyed digest for good.
   */
  async function fromLegacyReceipt(code: string, keyed: string): Promise<Report | undefined> {
    const legacy = legacyReceiptHash(code);
    const report = legacy ? await reports.repository.getByReceipt(legacy) : undefined;
    if (report) await reports.repository.moveReceipt(report, keyed);
    return report;
  }

  /** The leads of `ids` that exist and the principal may see. */
  async function visibleLeads(principal: Principal, ids: readonly string[]): Promise<Lead[]> {
    if (ids.length === 0) return [];
    const leads = await deps.leads.getMany(ids);
    return [...leads.values()].filter((l) => canSeeTownship(principal, l.township));
  }

  const visibleReport = townshipObjectInPath(
    'Report',
    'reportId',
    (id) => reports.repository.get(id),
    (report) => report.office,
  );

  /** Report handling through the command flow; the answer hides leads the caller can't see. */
  const command = commandHandler(deps, {
    noun: '举报',
    load: visibleReport,
    apply: applyReportCommand,
    write: (report, next) => reports.repository.update(report, next),
    audit: { action: 'report.update', target: (next) => ({ reportId: next.reportId }) },
    view: async (next, _written, principal, at) => {
      const shown = isCountyWide(principal)
        ? next
        : withoutHiddenLeads(
            next,
            new Set((await visibleLeads(principal, leadsMentioned(next))).map((l) => l.leadId)),
          );
      return reportWorkflowView(shown, at);
    },
  });

  /**
   * Link or unlink a lead the caller may see: another township's lead is as missing as one
   * that doesn't exist, linked or not, so leads can't be probed through links.
   */
  const leadLink =
    (action: 'link_lead' | 'unlink_lead') =>
    async (body: { leadId: string }, principal: Principal): Promise<ReportCommand> => {
      const [lead] = await visibleLeads(principal, [body.leadId]);
      if (!lead) throw new NotFoundError('Lead');
      return { action, leadId: lead.leadId };
    };

  return [
    {
      method: 'GET',
      path: '/api/v1/public/reports/challenge',
      access: 'public',
      summary:
        'A proof-of-work challenge for filing a report (no third-party CAPTCHA): find a solution, then file with it',
      handle: (c) =>
        c.json(newPowChallenge(reports.keys.challenges, Date.parse(now()), { difficulty: powDifficulty })),
    },
    {
      method: 'POST',
      path: '/api/v1/public/reports',
      access: 'public',
      summary:
        'File a report (一键举报), anonymous or real-name, with a solved challenge; returns the receipt code once and the deadlines',
      request: { body: PublicReportBody },
      handle: async (c) => {
        const body = await parseBody(PublicReportBody, c);
        const proof = verifyPowProof(reports.keys.challenges, body.proof, Date.parse(now()), powDifficulty);
        // Only well-formed filings with a valid proof count against the address.
        await limitAddress(
          c,
          'report.file',
          reports.filingLimit ?? { max: 5, windowSeconds: 3600 },
          '提交过于频繁，请稍后再试',
        );
        // Each challenge files one report: a solved challenge can't be replayed.
        if (!(await reports.limits.claimOnce(`pow#${proof.nonce}`, proof.expiresAtMs)))
          throw new InvalidProofError('验证信息已使用过，请刷新页面后重新提交');
        const { report, receiptCode, placeNote } = await file(body);
        return c.json(filingReceipt(report, receiptCode, placeNote), 201);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/public/reports/lookup',
      access: 'public',
      summary:
        'The handling and answer of one report, by its receipt code (in the body, never the URL); rate-limited per address across instances',
      request: { body: LookupBody },
      handle: async (c) => {
        await limitAddress(
          c,
          'report.lookup',
          reports.lookupLimit ?? { max: 20, windowSeconds: 600 },
          '查询过于频繁，请稍后再试',
        );
        const body = await parseBody(LookupBody, c);
        const code = normalizeReceiptCode(body.receiptCode);
        if (!code)
          throw new ValidationError('查询码为16位，由数字2–9和字母（不含I、O）组成', {
            field: 'receiptCode',
          });
        const keyed = receiptHash(code, reports.keys.receipts);
        const report =
          (await reports.repository.getByReceipt(keyed)) ?? (await fromLegacyReceipt(code, keyed));
        // Every unknown code gets the same answer: nothing tells a guess apart from a typo.
        if (!report) throw new NotFoundError('Report', RECEIPT_NOT_FOUND);
        return c.json(receiptView(report, now()));
      },
    },
    {
      method: 'POST',
      path: '/api/v1/reports/assisted',
      access: ['supervisor'],
      summary: 'A village supervisor files a report on behalf of a villager (recorded as assisted by them)',
      request: { body: AssistedReportBody },
      handle: async (c) => {
        const principal = requirePrincipal(c.get('principal'));
        const body = await parseBody(AssistedReportBody, c);
        const { report, receiptCode, placeNote } = await file(body, {
          subject: principal.subject,
          ...(principal.name ? { name: principal.name } : {}),
        });
        return c.json({ reportId: report.reportId, ...filingReceipt(report, receiptCode, placeNote) }, 201);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/reports/assisted',
      access: ['supervisor'],
      summary: 'The reports the calling supervisor filed, newest first (villagers masked)',
      handle: async (c) => {
        const principal = requirePrincipal(c.get('principal'));
        const at = now();
        const items = sortReports(await reports.repository.list({ assistedBy: principal.subject }));
        return c.json({ items: items.map((r) => assistedReportView(r, at)) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/reports',
      access: REPORT_WORKERS,
      summary:
        'Reports with filters (status, township office, category, channel, overdue), newest first; reporters masked',
      request: { query: ReportListQuery },
      handle: async (c) => {
        const { principal, q } = callerQuery(c, ReportListQuery);
        const township = townshipScope(principal, q.township);
        const filter: ReportFilter = {
          ...(q.status ? { statuses: q.status as ReportStatus[] } : {}),
          ...(township !== undefined ? { office: township } : {}),
          ...(q.category ? { category: q.category } : {}),
          ...(q.channel ? { channel: q.channel } : {}),
          ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
        };
        const at = now();
        const stored = await reports.repository.list(township !== undefined ? { office: township } : {});
        const items = sortReports(stored.filter((r) => matchesReportFilter(r, filter, at)));
        return c.json({ items: items.map((r) => reportSummary(r, at)), total: items.length });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/reports/:reportId',
      access: REPORT_WORKERS,
      summary: 'One report in full: reporter, content, answer, linked leads, history (audited)',
      handle: async (c) => {
        const { target: report, principal } = await visibleReport(c);
        const visible = await visibleLeads(principal, leadsMentioned(report));
        await recordAudit(deps, c, 'report.read', { reportId: report.reportId });
        c.header('ETag', `"${report.revision}"`);
        const linked = visible.filter((l) => report.leadIds.includes(l.leadId));
        const shown = withoutHiddenLeads(report, new Set(visible.map((l) => l.leadId)));
        return c.json(reportDetail(shown, now(), sortLeads(linked).map(leadSummary)));
      },
    },
    {
      method: 'POST',
      path: '/api/v1/reports/:reportId/acknowledge',
      access: REPORT_WORKERS,
      summary: 'Acknowledge (受理) a received report',
      request: { body: StepBody },
      handle: command(StepBody, (body) => ({ action: 'acknowledge', ...withNote(body) })),
    },
    {
      method: 'POST',
      path: '/api/v1/reports/:reportId/investigate',
      access: REPORT_WORKERS,
      summary: 'Start investigating (调查核实) an acknowledged report',
      request: { body: StepBody },
      handle: command(StepBody, (body) => ({ action: 'investigate', ...withNote(body) })),
    },
    {
      method: 'POST',
      path: '/api/v1/reports/:reportId/conclude',
      access: REPORT_WORKERS,
      summary: 'Conclude (办结) a report with the answer the reporter reads with the receipt code',
      request: { body: ConcludeBody },
      handle: command(ConcludeBody, (body) => ({
        action: 'conclude',
        answer: body.answer,
        ...withNote(body),
      })),
    },
    {
      method: 'POST',
      path: '/api/v1/reports/:reportId/link-lead',
      access: REPORT_WORKERS,
      summary: 'Link a lead (one the caller may see) to a report',
      request: { body: LeadLinkBody },
      handle: command(LeadLinkBody, leadLink('link_lead')),
    },
    {
      method: 'POST',
      path: '/api/v1/reports/:reportId/unlink-lead',
      access: REPORT_WORKERS,
      summary: 'Remove a lead link from a report',
      request: { body: LeadLinkBody },
      handle: command(LeadLinkBody, leadLink('unlink_lead')),
    },
  ];
}
