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
  /** Leads returned (export, lookup), at most {@link MAX_AUDIT_LEAD_IDS}. */
  readonly leadIds?: readonly string[];
  /** How many leads were returned in total. */
  readonly count?: number;
  /** True when `leadIds` was cut to {@link MAX_AUDIT_LEAD_IDS}. */
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

/** Audit entries keep at most this many lead ids (a DynamoDB item is limited to 400 KB). */
export const MAX_AUDIT_LEAD_IDS = 2000;

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

/** Build an entry, cutting long lead lists (the count stays exact). */
export function auditEntry(input: AuditInput, now: string, random: () => string = randomUUID): AuditEntry {
  const ids = input.target.leadIds;
  const target: AuditTarget =
    ids && ids.length > MAX_AUDIT_LEAD_IDS
      ? { ...input.target, leadIds: ids.slice(0, MAX_AUDIT_LEAD_IDS), truncated: true, count: ids.length }
      : ids
        ? { ...input.target, count: ids.length }
        : input.target;
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
