import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { assertExpectedRevision, DomainError, ValidationError } from '../errors.js';
import { fieldName } from '../fields.js';
import { keyedDigest } from '../keys.js';
import { chinaDay, endOfChinaDayAfter, startOfChinaDay } from '../time.js';
import { REPORT_CATEGORIES, REPORT_CATEGORY_LABELS, type ReportCategory } from './categories.js';
import type { ReportDeadlineConfig } from './config.js';
import type { ReportRouting } from './routing.js';

/**
 * Reports (一键举报, issue 5): anyone files a report, anonymously or with their name and
 * phone, and gets a receipt code; the report is routed to the responsible office, handled
 * against deadlines (`received → acknowledged → investigating → concluded`) and answered;
 * the reporter reads the answer with the receipt code. Village supervisors (村务监督委员会)
 * file assisted reports on behalf of villagers.
 *
 * Only a hash of the receipt code is stored: the code itself is shown once, to the reporter.
 * Every change checks the caller's revision (optimistic locking), bumps it and appends a
 * history entry (who, when, what).
 */

export { REPORT_CATEGORIES, REPORT_CATEGORY_LABELS, type ReportCategory };

/** Where a report is in its handling. */
export const REPORT_STATUSES = ['received', 'acknowledged', 'investigating', 'concluded'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Chinese labels of the statuses (shown to reporters too). */
export const REPORT_STATUS_LABELS: Readonly<Record<ReportStatus, string>> = {
  received: '已收到',
  acknowledged: '已受理',
  investigating: '调查核实中',
  concluded: '已办结',
};

/** How the report came in: online by the reporter, or filed by a village supervisor for a villager. */
export type ReportChannel = 'online' | 'assisted';

/** Who reported: nobody known, or a real name with a phone number to call back. */
export type Reporter =
  | { readonly anonymous: true }
  | { readonly anonymous: false; readonly name: string; readonly phone: string };

/** A staff account (or supervisor) acting on a report. */
export interface ReportActor {
  readonly subject: string;
  readonly name?: string;
}

/** What happened in one history entry. */
export type ReportAction = 'file' | 'acknowledge' | 'investigate' | 'conclude' | 'link_lead' | 'unlink_lead';

/** One entry of a report's history. */
export interface ReportHistoryEntry {
  readonly at: string;
  /** Staff or supervisor subject; `reporter` for an online filing. */
  readonly by: string;
  readonly byName?: string;
  readonly action: ReportAction;
  /** Status before (absent for the filing). */
  readonly from?: ReportStatus;
  readonly to: ReportStatus;
  /** Internal note of the office (never shown to the reporter). */
  readonly note?: string;
  /** Lead linked or unlinked, office routed to … (never the reporter's personal data). */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** A stored report. */
export interface Report {
  /** Random, opaque: `RP-` + 24 hex digits. */
  readonly reportId: string;
  /** {@link receiptHash} of the receipt code; the code itself is never stored. */
  readonly receiptHash: string;
  readonly channel: ReportChannel;
  readonly reporter: Reporter;
  /** The supervisor who filed it for a villager (`assisted` only). */
  readonly assistedBy?: ReportActor;
  readonly category: ReportCategory;
  readonly township?: string;
  readonly village?: string;
  /** The township office that handles it, or `null` for the county commission. */
  readonly office: string | null;
  /** What the reporter wrote. */
  readonly content: string;
  /** Leads the office linked to this report. */
  readonly leadIds: readonly string[];
  readonly status: ReportStatus;
  readonly receivedAt: string;
  /** Acknowledge by this instant (end of a CST day), from the deadlines in force at filing. */
  readonly acknowledgeBy: string;
  /** Conclude by this instant (end of a CST day). */
  readonly concludeBy: string;
  readonly acknowledgedAt?: string;
  readonly investigatingAt?: string;
  readonly concludedAt?: string;
  /** The office's answer to the reporter (set on conclusion; visible with the receipt code). */
  readonly answer?: string;
  readonly updatedAt: string;
  /** Optimistic-locking counter: 1 when filed, bumped on every change. */
  readonly revision: number;
  readonly history: readonly ReportHistoryEntry[];
}

// ── Receipt codes ────────────────────────────────────────────────────────────────────────

/** 32 symbols without the look-alikes 0/O and 1/I: read aloud and typed on a phone keypad without doubt. */
export const RECEIPT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** 16 symbols of 5 bits: 80 random bits, in four groups of four (`7KQ2-MX9D-4HTV-8PWA`). */
export const RECEIPT_LENGTH = 16;
/** Codes issued before receipts had 80 bits (12 symbols, 60 bits); still looked up. */
export const LEGACY_RECEIPT_LENGTH = 12;

/** A new receipt code, e.g. `7KQ2-MX9D-4HTV-8PWA` (dashes for reading; lookups ignore them). */
export function newReceiptCode(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(RECEIPT_LENGTH);
  // 256 is a multiple of 32: `byte % 32` is uniform.
  const chars = Array.from(bytes.subarray(0, RECEIPT_LENGTH), (b) => RECEIPT_ALPHABET[b % 32]).join('');
  if (chars.length !== RECEIPT_LENGTH) throw new Error('random source returned too few bytes');
  return chars.match(/.{4}/g)?.join('-') ?? chars;
}

/**
 * A receipt code as typed by a reporter, in canonical form (upper case, no blanks or
 * dashes), or `undefined` when it can't be one of ours (wrong length or symbol).
 */
export function normalizeReceiptCode(raw: string): string | undefined {
  const code = raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-－—_]/g, '');
  if (code.length !== RECEIPT_LENGTH && code.length !== LEGACY_RECEIPT_LENGTH) return undefined;
  for (const c of code) if (!RECEIPT_ALPHABET.includes(c)) return undefined;
  return code;
}

/**
 * The stored digest of a receipt code (any formatting of the same code gives the same
 * digest): an HMAC under the platform's receipt key (`PlatformKeys.receipts`), so a copy of
 * the table can't be searched for codes offline.
 */
export function receiptHash(code: string, key: Uint8Array): string {
  const canonical = normalizeReceiptCode(code);
  if (!canonical) throw new ValidationError('Not a receipt code', { field: 'receiptCode' });
  return keyedDigest(key, `jiandu-receipt|${canonical}`);
}

/**
 * The plain SHA-256 a 12-symbol code was stored under before receipts were keyed, or
 * `undefined` for any other code. Only the lookup uses it, to find such a report once and
 * move its receipt to the keyed digest.
 */
export function legacyReceiptHash(code: string): string | undefined {
  const canonical = normalizeReceiptCode(code);
  if (canonical?.length !== LEGACY_RECEIPT_LENGTH) return undefined;
  return createHash('sha256').update(`jiandu-receipt|${canonical}`, 'utf8').digest('hex');
}

// ── Deadlines ────────────────────────────────────────────────────────────────────────────

/** Which deadline an open report has missed at `now`, if any (the conclusion deadline wins). */
export function overdueStage(
  report: Pick<Report, 'status' | 'acknowledgeBy' | 'concludeBy'>,
  now: string,
): 'acknowledge' | 'conclude' | null {
  if (report.status === 'concluded') return null;
  if (now > report.concludeBy) return 'conclude';
  if (report.status === 'received' && now > report.acknowledgeBy) return 'acknowledge';
  return null;
}

/** Whether an open report has missed a deadline at `now`. */
export function isReportOverdue(
  report: Pick<Report, 'status' | 'acknowledgeBy' | 'concludeBy'>,
  now: string,
): boolean {
  return overdueStage(report, now) !== null;
}

// ── Filing ───────────────────────────────────────────────────────────────────────────────

const MAX_CONTENT = 5000;
const MAX_NOTE = 2000;
const MAX_ANSWER = 5000;
const MAX_LINKS = 50;

/** What a reporter (or the supervisor filing for them) submits. */
export interface ReportSubmission {
  readonly category: ReportCategory;
  readonly township?: string | undefined;
  readonly village?: string | undefined;
  readonly content: string;
  /** Absent or `anonymous: true` for an anonymous report. */
  readonly reporter: Reporter;
}

/** Context of a filing. */
export interface FilingContext {
  readonly now: string;
  readonly deadlines: ReportDeadlineConfig;
  readonly routing: ReportRouting;
  /** The platform's receipt key (`PlatformKeys.receipts`). */
  readonly receiptKey: Uint8Array;
  /** The supervisor filing for a villager (makes the channel `assisted`). */
  readonly assistedBy?: ReportActor;
  readonly random?: (size: number) => Uint8Array;
  readonly newId?: () => string;
}

/** A mainland phone number: an 11-digit mobile, or a landline with area code (blanks and dashes allowed). */
export function normalizePhone(raw: string): string | undefined {
  const s = raw.normalize('NFKC').replace(/[\s\-()（）]/g, '');
  const plain = s.startsWith('+86') ? s.slice(3) : s;
  if (/^1[3-9]\d{9}$/.test(plain)) return plain;
  if (/^0\d{9,11}$/.test(plain)) return plain;
  return undefined;
}

/** A phone number for lists: `138****5678`. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

function text(value: string | undefined, field: string, max: number, min = 1): string | undefined {
  const t = value?.trim();
  if (!t) {
    if (min > 0) throw new ValidationError(`${fieldName(field)}不能为空`, { field });
    return undefined;
  }
  if (t.length < min) throw new ValidationError(`${fieldName(field)}至少 ${min} 个字`, { field });
  if (t.length > max) throw new ValidationError(`${fieldName(field)}最多 ${max} 个字`, { field });
  return t;
}

function validReporter(reporter: Reporter): Reporter {
  if (reporter.anonymous) return { anonymous: true };
  const name = text(reporter.name, 'reporter.name', 32) as string;
  const phone = normalizePhone(reporter.phone ?? '');
  if (!phone)
    throw new ValidationError(`${fieldName('reporter.phone')}应为手机号，或带区号的固定电话`, {
      field: 'reporter.phone',
    });
  return { anonymous: false, name, phone };
}

/**
 * File a report: validate it (errors name the field), stamp the deadlines of `deadlines`
 * counted from `now`, and draw a receipt code. Returns the report to store and the code to
 * show the reporter once (only its keyed digest is in the report). Every time stored with
 * the report is the start of its CST day of receipt, never the instant. A short complaint
 * (`修路工程偷工减料`) is a complaint: content only has to be non-blank.
 */
export function fileReport(
  submission: ReportSubmission,
  context: FilingContext,
): { report: Report; receiptCode: string } {
  if (!(REPORT_CATEGORIES as readonly string[]).includes(submission.category))
    throw new ValidationError(`${fieldName('category')}应为以下之一：${REPORT_CATEGORIES.join('、')}`, {
      field: 'category',
    });
  const content = text(submission.content, 'content', MAX_CONTENT) as string;
  const reporter = validReporter(submission.reporter);
  const receiptCode = newReceiptCode(context.random);
  const { routing, assistedBy } = context;
  const now = startOfChinaDay(chinaDay(context.now));
  const reportId = context.newId?.() ?? `RP-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const report: Report = {
    reportId,
    receiptHash: receiptHash(receiptCode, context.receiptKey),
    channel: assistedBy ? 'assisted' : 'online',
    reporter,
    ...(assistedBy ? { assistedBy: actorOf(assistedBy) } : {}),
    category: submission.category,
    ...(routing.township ? { township: routing.township } : {}),
    ...(routing.village ? { village: routing.village } : {}),
    office: routing.office,
    content,
    leadIds: [],
    status: 'received',
    receivedAt: now,
    acknowledgeBy: endOfChinaDayAfter(now, context.deadlines.acknowledgeDays),
    concludeBy: endOfChinaDayAfter(now, context.deadlines.concludeDays),
    updatedAt: now,
    revision: 1,
    history: [
      {
        at: now,
        by: assistedBy?.subject ?? 'reporter',
        ...(assistedBy?.name ? { byName: assistedBy.name } : {}),
        action: 'file',
        to: 'received',
        details: { channel: assistedBy ? 'assisted' : 'online', office: routing.office },
      },
    ],
  };
  return { report, receiptCode };
}

function actorOf(actor: ReportActor): ReportActor {
  return { subject: actor.subject, ...(actor.name ? { name: actor.name } : {}) };
}

// ── Handling ─────────────────────────────────────────────────────────────────────────────

/** Acknowledge (受理) a received report. */
export interface AcknowledgeReport {
  readonly action: 'acknowledge';
  readonly note?: string | undefined;
}
/** Start investigating (调查核实) an acknowledged report. */
export interface InvestigateReport {
  readonly action: 'investigate';
  readonly note?: string | undefined;
}
/** Conclude (办结) a report with the answer the reporter will read. */
export interface ConcludeReport {
  readonly action: 'conclude';
  readonly answer: string;
  readonly note?: string | undefined;
}
/** Link a lead to the report (the route checks the lead exists and is visible). */
export interface LinkLead {
  readonly action: 'link_lead';
  readonly leadId: string;
}
/** Remove a lead's link. */
export interface UnlinkLead {
  readonly action: 'unlink_lead';
  readonly leadId: string;
}
/** A change the responsible office makes to a report. */
export type ReportCommand = AcknowledgeReport | InvestigateReport | ConcludeReport | LinkLead | UnlinkLead;

/** The statuses each command may start from. */
export const REPORT_ALLOWED_FROM: Readonly<Record<ReportCommand['action'], readonly ReportStatus[]>> = {
  acknowledge: ['received'],
  investigate: ['acknowledged'],
  conclude: ['acknowledged', 'investigating'],
  // Leads may be linked whenever they turn up, even after the answer.
  link_lead: REPORT_STATUSES,
  unlink_lead: REPORT_STATUSES,
};

/** The commands a report in `status` accepts. */
export function allowedReportActions(status: ReportStatus): ReportCommand['action'][] {
  return (Object.keys(REPORT_ALLOWED_FROM) as ReportCommand['action'][]).filter((a) =>
    REPORT_ALLOWED_FROM[a].includes(status),
  );
}

/** The command does not apply to the report's status (HTTP 409). */
export class InvalidReportTransitionError extends DomainError {
  constructor(action: ReportCommand['action'], from: ReportStatus) {
    super(
      'conflict',
      `Report is ${from} (${REPORT_STATUS_LABELS[from]}); '${action}' is not allowed from there`,
      { status: from, action, allowed: allowedReportActions(from) },
    );
  }
}

const LEAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Apply a command to a report. Throws `ConflictError` when `expectedRevision` is not the
 * report's revision, {@link InvalidReportTransitionError} when the command doesn't apply to
 * its status, and `ValidationError` naming the field for missing or bad values. Returns the
 * new report (revision + 1, history appended); the caller stores it conditionally.
 */
export function applyReportCommand(
  report: Report,
  command: ReportCommand,
  actor: ReportActor,
  now: string,
  expectedRevision: number,
): Report {
  assertExpectedRevision('Report', report.reportId, report.revision, expectedRevision);
  if (!REPORT_ALLOWED_FROM[command.action]?.includes(report.status))
    throw new InvalidReportTransitionError(command.action, report.status);

  let to: ReportStatus = report.status;
  let patch: Partial<Report> = {};
  let note: string | undefined;
  let details: ReportHistoryEntry['details'];
  switch (command.action) {
    case 'acknowledge':
      note = text(command.note, 'note', MAX_NOTE, 0);
      to = 'acknowledged';
      patch = { acknowledgedAt: now };
      details = { onTime: now <= report.acknowledgeBy };
      break;
    case 'investigate':
      note = text(command.note, 'note', MAX_NOTE, 0);
      to = 'investigating';
      patch = { investigatingAt: now };
      break;
    case 'conclude': {
      const answer = text(command.answer, 'answer', MAX_ANSWER) as string;
      note = text(command.note, 'note', MAX_NOTE, 0);
      to = 'concluded';
      patch = { concludedAt: now, answer };
      details = { onTime: now <= report.concludeBy };
      break;
    }
    case 'link_lead': {
      if (!LEAD_ID.test(command.leadId ?? ''))
        throw new ValidationError(`${fieldName('leadId')}格式不正确`, { field: 'leadId' });
      if (report.leadIds.includes(command.leadId))
        throw new ValidationError(`线索 ${command.leadId} 已关联到这件举报`, { field: 'leadId' });
      if (report.leadIds.length >= MAX_LINKS)
        throw new ValidationError(`一件举报最多关联 ${MAX_LINKS} 条线索`, { field: 'leadId' });
      patch = { leadIds: [...report.leadIds, command.leadId] };
      details = { leadId: command.leadId };
      break;
    }
    case 'unlink_lead':
      if (!report.leadIds.includes(command.leadId))
        throw new ValidationError(`线索 ${command.leadId} 未关联到这件举报`, {
          field: 'leadId',
        });
      patch = { leadIds: report.leadIds.filter((id) => id !== command.leadId) };
      details = { leadId: command.leadId };
      break;
  }
  const entry: ReportHistoryEntry = {
    at: now,
    by: actor.subject,
    ...(actor.name ? { byName: actor.name } : {}),
    action: command.action,
    from: report.status,
    to,
    ...(note ? { note } : {}),
    ...(details ? { details } : {}),
  };
  return {
    ...report,
    ...patch,
    status: to,
    updatedAt: now,
    revision: report.revision + 1,
    history: [...report.history, entry],
  };
}
