import { randomUUID } from 'node:crypto';
import { keyedDigest } from './keys.js';

/**
 * The audit log of confidential reads (issue 5): every read of a lead detail, every
 * export, every personal lookup, and every workflow change is appended with who, when,
 * what and from where. Entries are append-only: the storage port has no update or delete,
 * and the DynamoDB adapter writes each entry with a condition that it does not exist yet.
 *
 * Entries hold lead ids, filters and actors — never an ID number or a name. A personal
 * lookup records a hash of the ID number (an auditor who holds the number can check who
 * looked it up; the log alone does not reveal it).
 */

/** What was done. */
export const AUDIT_ACTIONS = [
  'lead.read',
  'leads.export',
  'person.lookup',
  'lead.update',
  'report.read',
  'report.update',
  'rejects.download',
  'version.withdraw',
  'upload.presign',
  'run.redrive',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an entry is about (no personal data). */
export interface AuditTarget {
  readonly leadId?: string;
  /** Report read (with the reporter's name and phone) or changed. */
  readonly reportId?: string;
  /**
   * Leads returned (export, lookup): every one as appended. A listed entry carries the first
   * {@link AUDIT_LISTED_LEAD_IDS}; `AuditLog.leadIds` reads them all, page by page.
   */
  readonly leadIds?: readonly string[];
  /** How many leads were returned in total. */
  readonly count?: number;
  /**
   * True on entries written before every id was kept: only the first 2,000 of `count` were
   * stored, the others are not known to the log.
   */
  readonly truncated?: boolean;
  /** Query filters as the caller sent them (rule, township, score range …). */
  readonly filters?: Readonly<Record<string, string>>;
  /** Export format. */
  readonly format?: string;
  /** Personal lookup: {@link subjectHash} of the ID number looked up. */
  readonly subjectHash?: string;
  /** Department data: the version read or withdrawn, the upload key signed. */
  readonly versionId?: string;
  readonly uploadKey?: string;
  /** Why (a withdrawal's reason). */
  readonly reason?: string;
  /** A collision workflow execution redriven. */
  readonly executionId?: string;
  /** Workflow change: the command and the revision it produced. */
  readonly command?: string;
  readonly revision?: number;
}

/** One audit entry. */
export interface AuditEntry {
  /** Time-ordered, unique: `{at}#{random}`. */
  readonly auditId: string;
  readonly at: string;
  /** The principal's subject. */
  readonly actor: string;
  readonly roles: readonly string[];
  readonly action: AuditAction;
  readonly target: AuditTarget;
  /** The caller's address as the edge saw it (API Gateway `sourceIp`, or the socket locally). */
  readonly sourceIp: string;
  readonly userAgent?: string;
}

/**
 * Lead ids an entry carries as listed (`GET /audit`), and as the entry's own item stores them;
 * a longer list (an export of 25,000 leads) goes on in parts of
 * {@link AUDIT_LEAD_IDS_PER_PART} (a DynamoDB item is limited to 400 KB; a lead id is 24
 * characters), read page by page with `AuditLog.leadIds`.
 */
export const AUDIT_LISTED_LEAD_IDS = 2000;

/** Lead ids of one stored part after the listed ones (≈ 270 KB as a DynamoDB list). */
export const AUDIT_LEAD_IDS_PER_PART = 10_000;

/**
 * An entry's lead ids as stored: part 0 (the first {@link AUDIT_LISTED_LEAD_IDS}, in the
 * entry itself), then parts 1, 2 … of {@link AUDIT_LEAD_IDS_PER_PART}.
 */
export function auditLeadIdParts(ids: readonly string[]): string[][] {
  const parts = [ids.slice(0, AUDIT_LISTED_LEAD_IDS)];
  for (let start = AUDIT_LISTED_LEAD_IDS; start < ids.length; start += AUDIT_LEAD_IDS_PER_PART)
    parts.push(ids.slice(start, start + AUDIT_LEAD_IDS_PER_PART));
  return parts;
}

/** Position of the first lead id of stored part `part` (see {@link auditLeadIdParts}). */
export function auditLeadIdPartStart(part: number): number {
  return part === 0 ? 0 : AUDIT_LISTED_LEAD_IDS + (part - 1) * AUDIT_LEAD_IDS_PER_PART;
}

/** The stored part holding lead id number `position` (0-based) of an entry. */
export function auditLeadIdPartOf(position: number): number {
  return position < AUDIT_LISTED_LEAD_IDS
    ? 0
    : 1 + Math.floor((position - AUDIT_LISTED_LEAD_IDS) / AUDIT_LEAD_IDS_PER_PART);
}

/** An entry as the log lists it: at most {@link AUDIT_LISTED_LEAD_IDS} lead ids (`count` says how many). */
export function listedAuditEntry(entry: AuditEntry): AuditEntry {
  const ids = entry.target.leadIds;
  return ids && ids.length > AUDIT_LISTED_LEAD_IDS
    ? { ...entry, target: { ...entry.target, leadIds: ids.slice(0, AUDIT_LISTED_LEAD_IDS) } }
    : entry;
}

/** One page of the lead ids of an entry (`AuditLog.leadIds`). */
export interface AuditLeadIdPage {
  readonly items: readonly string[];
  /** How many leads the entry names in all. */
  readonly count: number;
  /** Offset of the next page; absent on the last. */
  readonly cursor?: string;
  /** The entry predates full lists: only its first ids are known (see {@link AuditTarget.truncated}). */
  readonly truncated?: true;
}

/** Default and largest page of {@link AuditLeadIdPage}. */
export const AUDIT_LEAD_ID_PAGE = { default: 1000, max: AUDIT_LEAD_IDS_PER_PART } as const;

/**
 * A one-way digest of an ID number for the audit log (never the number itself): an HMAC
 * under the platform's audit key (`PlatformKeys.audit`). An auditor checks a number through
 * the platform; a copy of the log alone can't be searched by hashing every ID of a county.
 */
export function subjectHash(idNumber: string, key: Uint8Array): string {
  return keyedDigest(key, `jiandu-audit|${idNumber}`).slice(0, 32);
}

/** Input of {@link auditEntry}. */
export interface AuditInput {
  readonly actor: string;
  readonly roles: readonly string[];
  readonly action: AuditAction;
  readonly target: AuditTarget;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

/** Build an entry with every lead id it names and their count. */
export function auditEntry(input: AuditInput, now: string, random: () => string = randomUUID): AuditEntry {
  const ids = input.target.leadIds;
  const target: AuditTarget = ids ? { ...input.target, count: ids.length } : input.target;
  return {
    auditId: `${now}#${random()}`,
    at: now,
    actor: input.actor,
    roles: [...input.roles],
    action: input.action,
    target,
    sourceIp: input.sourceIp || 'unknown',
    ...(input.userAgent ? { userAgent: input.userAgent.slice(0, 256) } : {}),
  };
}

/** Filters of the audit query; `from`/`to` are ISO instants (inclusive). */
export interface AuditQuery {
  readonly actor?: string;
  readonly action?: AuditAction;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** Whether an entry passes the query's filters (adapters push down what they can). */
export function matchesAuditQuery(entry: AuditEntry, q: AuditQuery): boolean {
  return (
    (q.actor === undefined || entry.actor === q.actor) &&
    (q.action === undefined || entry.action === q.action) &&
    (q.from === undefined || entry.at >= q.from) &&
    (q.to === undefined || entry.at <= q.to)
  );
}
