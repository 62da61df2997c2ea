import { createHash } from 'node:crypto';
/**
 * In-memory implementations of the storage ports, for unit tests only (the running
 * product always uses DynamoDB/S3 or their local emulators).
 */

import type { DatasetApiDeps } from '@jiandu/api/routes/datasets';
import type { WorkflowApiDeps } from '@jiandu/api/routes/leads';
import type { ReportApiDeps } from '@jiandu/api/routes/reports';
import { type AuditEntry, type AuditQuery, matchesAuditQuery } from '@jiandu/domain/audit';
import { DEFAULT_CADENCE_CONFIG } from '@jiandu/domain/datasets/cadence';
import type { UploadRequest } from '@jiandu/domain/datasets/corrections';
import type { LatenessRecord } from '@jiandu/domain/datasets/progress';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { type LeadFilter, matchesLeadFilter } from '@jiandu/domain/leads/query';
import type { CorrectionTask } from '@jiandu/domain/leads/workflow';
import type { Lead } from '@jiandu/domain/model';
import {
  type AuditLog,
  type CorrectionTaskRepository,
  type LatenessRepository,
  type LeadRepository,
  ObjectChangedError,
  type ObjectStore,
  type Page,
  type ReportRepository,
  ReportRevisionConflictError,
  RevisionConflictError,
  type RunRepository,
  type UploadUrlSigner,
  type VersionRepository,
} from '@jiandu/domain/ports';
import { DEFAULT_REPORT_DEADLINES } from '@jiandu/domain/reports/config';
import type { Report } from '@jiandu/domain/reports/report';
import { type CollisionRun, type DatasetVersion, versionOrder } from '@jiandu/domain/versions';
import { MemoryRateLimits, TEST_KEYS, TEST_POW_BITS } from './trust.js';

const clone = <T>(v: T): T => structuredClone(v);
const byReceived = (a: DatasetVersion, b: DatasetVersion) => versionOrder(a).localeCompare(versionOrder(b));

export class MemoryVersions implements VersionRepository {
  readonly items = new Map<string, DatasetVersion>();
  async get(id: string) {
    const v = this.items.get(id);
    return v && clone(v);
  }
  async create(v: DatasetVersion) {
    if (this.items.has(v.versionId)) return false;
    this.items.set(v.versionId, clone(v));
    return true;
  }
  async save(v: DatasetVersion) {
    this.items.set(v.versionId, clone(v));
  }
  async listOfDataset(department: string, kind: DatasetKind) {
    return [...this.items.values()]
      .filter((v) => v.department === department && v.kind === kind)
      .sort(byReceived)
      .map(clone);
  }
  async listOfKind(kind: DatasetKind) {
    return [...this.items.values()]
      .filter((v) => v.kind === kind)
      .sort(byReceived)
      .map(clone);
  }
  readonly uploadRequests: UploadRequest[] = [];
  async recordUploadRequest(request: UploadRequest) {
    this.uploadRequests.push(clone(request));
  }
  async latestUploadRequest(key: string, notAfter: string) {
    const found = this.uploadRequests
      .filter((r) => r.key === key && r.requestedAt <= notAfter)
      .sort((a, b) => `${a.requestedAt}#${a.requestId}`.localeCompare(`${b.requestedAt}#${b.requestId}`))
      .pop();
    return found && clone(found);
  }
}

export class MemoryLateness implements LatenessRepository {
  readonly items = new Map<string, LatenessRecord>();
  async list() {
    return [...this.items.values()].map(clone);
  }
  async save(record: LatenessRecord) {
    this.items.set(`${record.department}|${record.kind}|${record.dueAt ?? 'none'}`, clone(record));
  }
}

/** Signs nothing: returns a recognizable URL holding the key, and remembers what it signed. */
export class MemoryUploadSigner implements UploadUrlSigner {
  readonly signed: { key: string; expiresInSeconds: number; contentLength: number }[] = [];
  async presignPut(key: string, expiresInSeconds: number, conditions: { contentLength: number }) {
    this.signed.push({ key, expiresInSeconds, contentLength: conditions.contentLength });
    return {
      url: `https://uploads.example.test/${encodeURI(key)}?X-Amz-Expires=${expiresInSeconds}`,
      headers: { 'If-None-Match': '*', 'Content-Length': String(conditions.contentLength) },
    };
  }
}

export class MemoryLeads implements LeadRepository {
  readonly items = new Map<string, Lead>();
  async get(id: string) {
    const l = this.items.get(id);
    return l && clone(l);
  }
  async getMany(ids: readonly string[]) {
    const m = new Map<string, Lead>();
    for (const id of ids) {
      const l = this.items.get(id);
      if (l) m.set(id, clone(l));
    }
    return m;
  }
  async put(lead: Lead, expectedRevision: number) {
    const current = this.items.get(lead.leadId);
    if ((current?.revision ?? 0) !== expectedRevision) throw new RevisionConflictError(lead.leadId);
    this.items.set(lead.leadId, clone(lead));
  }
  async move(previous: Lead, next: Lead) {
    if (this.items.has(next.leadId) || this.items.get(previous.leadId)?.revision !== previous.revision)
      throw new RevisionConflictError(previous.leadId);
    this.items.delete(previous.leadId);
    this.items.set(next.leadId, clone(next));
  }
  async listOfRule(rule: string) {
    return [...this.items.values()].filter((l) => l.rule === rule).map(clone);
  }
  async scan(filter: LeadFilter) {
    return [...this.items.values()].filter((l) => matchesLeadFilter(l, filter)).map(clone);
  }
}

export class MemoryCorrectionTasks implements CorrectionTaskRepository {
  readonly items = new Map<string, CorrectionTask>();
  async create(task: CorrectionTask) {
    if (this.items.has(task.taskId)) return false;
    this.items.set(task.taskId, clone(task));
    return true;
  }
  async list(q: { department?: string; limit?: number; cursor?: string }): Promise<Page<CorrectionTask>> {
    const all = [...this.items.values()]
      .filter((t) => !q.department || t.department === q.department)
      .sort((a, b) => `${b.createdAt}#${b.taskId}`.localeCompare(`${a.createdAt}#${a.taskId}`));
    return offsetPage(all, q.limit, q.cursor);
  }
}

/** Append-only, like the real one: no way to change or remove an entry. */
export class MemoryAuditLog implements AuditLog {
  readonly #entries: AuditEntry[] = [];
  async append(entry: AuditEntry) {
    if (this.#entries.some((e) => e.auditId === entry.auditId)) throw new Error('audit entry exists');
    this.#entries.push(clone(entry));
  }
  async query(q: AuditQuery): Promise<Page<AuditEntry>> {
    const all = this.#entries
      .filter((e) => matchesAuditQuery(e, q))
      .sort((a, b) => b.auditId.localeCompare(a.auditId));
    return offsetPage(all, q.limit, q.cursor);
  }
  /** Every entry, oldest first (copies). */
  entries(): AuditEntry[] {
    return this.#entries.map(clone);
  }
}

function offsetPage<T>(all: T[], limit = 50, cursor?: string): Page<T> {
  const start = cursor ? Number(cursor) : 0;
  const items = all.slice(start, start + limit).map(clone);
  return start + limit < all.length ? { items, cursor: String(start + limit) } : { items };
}

export class MemoryRuns implements RunRepository {
  readonly items = new Map<string, CollisionRun>();
  async save(run: CollisionRun) {
    this.items.set(run.runId, clone(run));
  }
  async get(id: string) {
    const r = this.items.get(id);
    return r && clone(r);
  }
  async list(limit: number) {
    return [...this.items.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }
}

/** An S3-like ETag: quoted MD5 of the bytes. */
function memoryEtag(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

export class MemoryObjects implements ObjectStore {
  readonly items = new Map<string, Uint8Array>();
  async *stream(bucket: string, key: string, ifMatch?: string): AsyncIterable<Uint8Array> {
    const bytes = this.items.get(`${bucket}/${key}`);
    if (!bytes) throw Object.assign(new Error(`NoSuchKey ${key}`), { name: 'NoSuchKey' });
    if (ifMatch !== undefined && ifMatch !== memoryEtag(bytes)) throw new ObjectChangedError(bucket, key);
    // Deliver in small chunks, as a network stream would.
    for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
  }
  async getBytes(bucket: string, key: string) {
    return this.items.get(`${bucket}/${key}`);
  }
  async exists(bucket: string, key: string) {
    return this.items.has(`${bucket}/${key}`);
  }
  async etag(bucket: string, key: string) {
    const bytes = this.items.get(`${bucket}/${key}`);
    return bytes && memoryEtag(bytes);
  }
  /** Like a versioned bucket: every put of a key makes a new version (`v1`, `v2`, …). */
  readonly #versions = new Map<string, number>();
  async versionId(bucket: string, key: string) {
    const n = this.#versions.get(`${bucket}/${key}`);
    return n === undefined ? undefined : `v${n}`;
  }
  async put(bucket: string, key: string, body: Uint8Array | string) {
    this.items.set(`${bucket}/${key}`, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    this.#versions.set(`${bucket}/${key}`, (this.#versions.get(`${bucket}/${key}`) ?? 0) + 1);
  }
  keys(prefix = ''): string[] {
    return [...this.items.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

/**
 * The department-data dependencies of the API over in-memory ports (default cadences,
 * system clock unless `now` is given).
 */
export function memoryDatasetDeps(overrides: Partial<DatasetApiDeps> = {}): DatasetApiDeps {
  return {
    objects: new MemoryObjects(),
    buckets: { upload: 'uploads-bucket', data: 'data-bucket' },
    uploadUrls: new MemoryUploadSigner(),
    lateness: new MemoryLateness(),
    cadence: DEFAULT_CADENCE_CONFIG,
    ...overrides,
  };
}

/**
 * The API's lead-workflow dependencies over in-memory ports (a fresh audit log and
 * correction-task store, the default score threshold unless overridden).
 */
export function memoryWorkflowDeps(
  overrides: Partial<WorkflowApiDeps> = {},
): WorkflowApiDeps & { audit: MemoryAuditLog; corrections: MemoryCorrectionTasks } {
  return {
    audit: new MemoryAuditLog(),
    corrections: new MemoryCorrectionTasks(),
    auditKey: TEST_KEYS.audit,
    ...overrides,
  } as WorkflowApiDeps & { audit: MemoryAuditLog; corrections: MemoryCorrectionTasks };
}

/** Reports in memory: receipts by hash, optimistic locking and lead links like the DynamoDB adapter. */
export class MemoryReports implements ReportRepository {
  readonly items = new Map<string, Report>();
  readonly #receipts = new Map<string, string>();
  async create(report: Report) {
    if (this.items.has(report.reportId) || this.#receipts.has(report.receiptHash))
      throw new Error(`Report ${report.reportId} or its receipt already exists`);
    this.items.set(report.reportId, clone(report));
    this.#receipts.set(report.receiptHash, report.reportId);
  }
  async get(id: string) {
    const r = this.items.get(id);
    return r && clone(r);
  }
  async getByReceipt(hash: string) {
    const id = this.#receipts.get(hash);
    return id === undefined ? undefined : this.get(id);
  }
  /** Receipt digests in store (tests check that a legacy one is gone). */
  receiptHashes(): string[] {
    return [...this.#receipts.keys()];
  }
  async moveReceipt(report: Report, hash: string) {
    const stored = this.items.get(report.reportId);
    if (this.#receipts.has(hash) || stored?.receiptHash !== report.receiptHash)
      throw new Error(`Receipt of ${report.reportId} can't move`);
    this.#receipts.delete(report.receiptHash);
    this.#receipts.set(hash, report.reportId);
    this.items.set(report.reportId, { ...stored, receiptHash: hash });
  }
  async update(previous: Report, next: Report) {
    if (this.items.get(next.reportId)?.revision !== previous.revision)
      throw new ReportRevisionConflictError(next.reportId);
    this.items.set(next.reportId, clone(next));
  }
  async list(q: { office?: string | null; assistedBy?: string }) {
    return [...this.items.values()]
      .filter((r) => q.office === undefined || r.office === q.office)
      .filter((r) => q.assistedBy === undefined || r.assistedBy?.subject === q.assistedBy)
      .map(clone);
  }
  async ofLead(leadId: string) {
    return [...this.items.values()].filter((r) => r.leadIds.includes(leadId)).map(clone);
  }
}

/** The API's report dependencies over in-memory ports (default deadlines, no divisions unless given). */
export function memoryReportDeps(
  overrides: Partial<ReportApiDeps> = {},
): ReportApiDeps & { repository: MemoryReports } {
  return {
    repository: new MemoryReports(),
    deadlines: DEFAULT_REPORT_DEADLINES,
    keys: TEST_KEYS,
    limits: new MemoryRateLimits(),
    powDifficulty: TEST_POW_BITS,
    ...overrides,
  } as ReportApiDeps & { repository: MemoryReports };
}
