import type { AuditEntry, AuditLeadIdPage, AuditQuery } from './audit.js';
import type { UploadRequest } from './datasets/corrections.js';
import type { LatenessRecord } from './datasets/progress.js';
import { ConflictError } from './errors.js';
import type { DatasetKind } from './kinds.js';
import type { LeadFilter, LeadPage, PageRequest } from './leads/query.js';
import type { CorrectionTask } from './leads/workflow.js';
import type { Lead } from './model.js';
import type { Report } from './reports/report.js';
import type { LeadStats } from './stats.js';
import type { CollisionRun, DatasetVersion } from './versions.js';

/** Storage of dataset versions. */
export interface VersionRepository {
  get(versionId: string): Promise<DatasetVersion | undefined>;
  /** Store a new version; `false` when a version with that id already exists (nothing is overwritten). */
  create(version: DatasetVersion): Promise<boolean>;
  /**
   * Replace a stored version with a new state of itself, if nobody changed it since it was
   * read: the stored `revision` must still be `version.revision` (absent = 0), else
   * {@link RevisionConflictError}. Returns what was stored, with the revision bumped.
   */
  save(version: DatasetVersion): Promise<DatasetVersion>;
  /** A department's versions of one kind, oldest first. */
  listOfDataset(department: string, kind: DatasetKind): Promise<DatasetVersion[]>;
  /** Every version of one kind, any department, oldest first. */
  listOfKind(kind: DatasetKind): Promise<DatasetVersion[]>;
  /** Keep a request for an upload URL (who asked, for which key, what it replaces); never overwrites one. */
  recordUploadRequest(request: UploadRequest): Promise<void>;
  /** The newest upload request for an upload-bucket key made at or before `notAfter` (ISO), if any. */
  latestUploadRequest(key: string, notAfter: string): Promise<UploadRequest | undefined>;
}

/** A page of results and the opaque cursor of the next page. */
export interface Page<T> {
  readonly items: T[];
  readonly cursor?: string;
}

const CONFLICT_NOUNS = { Lead: '线索', Version: '数据版本', Report: '举报' } as const;

/**
 * Thrown by a conditional write (`LeadRepository.put`, `ReportRepository.update`) when the
 * stored revision is not the expected one: someone else changed it meanwhile (HTTP 409). The
 * one conflict error of optimistic locking in storage.
 */
export class RevisionConflictError extends ConflictError {
  constructor(
    readonly id: string,
    readonly what: keyof typeof CONFLICT_NOUNS = 'Lead',
  ) {
    super(`${CONFLICT_NOUNS[what]} ${id} 已被他人修改，请刷新后重试`);
  }
}

/** One write of {@link LeadRepository.putMany}: `next` replaces `previous` (absent: a new lead). */
export interface LeadWrite {
  readonly next: Lead;
  readonly previous: Lead | undefined;
}

/** What the statistics page narrows by: the filters the stored sums are kept along. */
export type LeadStatsScope = Pick<LeadFilter, 'rule' | 'township' | 'createdFrom' | 'createdTo'>;

/** Storage of leads, with optimistic locking on `revision`. */
export interface LeadRepository {
  get(leadId: string): Promise<Lead | undefined>;
  getMany(leadIds: readonly string[]): Promise<Map<string, Lead>>;
  /** Write a lead if the stored one has `expectedRevision` (0 = must not exist yet). */
  put(lead: Lead, expectedRevision: number): Promise<void>;
  /**
   * Move a lead to a new id in one transaction: `next` is created (its id must be free) and
   * `previous` removed if it still has its revision, else {@link RevisionConflictError}. Only
   * the re-keying of unkeyed ids uses it; leads are otherwise never deleted.
   */
  move(previous: Lead, next: Lead): Promise<void>;
  /**
   * Write many leads, each only if the stored one is still `previous` (its revision; absent
   * = must not exist yet), in as few requests as the store allows. Returns the ids whose
   * condition failed (someone changed them meanwhile): nothing was written for those, every
   * other write was made. Lead statistics move with the writes (see {@link statistics}).
   */
  putMany(writes: readonly LeadWrite[]): Promise<string[]>;
  /**
   * The statistics of the leads of a scope, from sums the store keeps per day created,
   * rule and township (never by reading the leads): the same figures as `leadStatistics`
   * of the scope's leads.
   */
  statistics(scope: LeadStatsScope): Promise<LeadStats>;
  /**
   * Make sure the kept sums cover every lead: a store written before they existed counts its
   * leads once (then remembers it did). The collision's store step calls it before writing.
   */
  ensureStatistics(): Promise<void>;
  /** Every lead of one rule (for superseding what a run no longer finds). */
  listOfRule(rule: string): Promise<Lead[]>;
  /**
   * Every lead matching the filter exactly (`matchesLeadFilter`), in no particular order; the
   * caller sorts and pages (`pageLeads`). A county holds tens of thousands of leads at most,
   * so adapters read the matching index partition and filter what their keys can't.
   */
  scan(filter: LeadFilter): Promise<Lead[]>;
  /**
   * One page of the leads matching the filter exactly, sorted and cut as `pageLeads` does
   * (same cursors), and how many match in all when that is known without counting every
   * lead (from kept sums, or because the page holds every match). Adapters serve the default
   * order (newest first) from an index, reading about one page rather than every lead.
   */
  page(filter: LeadFilter, request: PageRequest): Promise<LeadPage>;
}

/** Correction tasks for data-owning departments (leads dismissed as 源数据错误). */
export interface CorrectionTaskRepository {
  /** Store a task; `false` when a task with that id exists (nothing is overwritten). */
  create(task: CorrectionTask): Promise<boolean>;
  /** Tasks of one department (or all), newest first. */
  list(query: {
    readonly department?: string;
    readonly limit?: number;
    readonly cursor?: string;
  }): Promise<Page<CorrectionTask>>;
}

/** The append-only audit log: there is no update and no delete. */
export interface AuditLog {
  /** Append an entry; never overwrites an existing one. */
  append(entry: AuditEntry): Promise<void>;
  /** Entries matching the query, newest first, as listed (`listedAuditEntry`: long lead lists cut). */
  query(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Every lead id of one entry in the order appended, a page at a time; `undefined` when there is no such entry. */
  leadIds(
    auditId: string,
    page: { readonly limit?: number; readonly cursor?: string },
  ): Promise<AuditLeadIdPage | undefined>;
}

/** Records of collision runs. */
export interface RunRepository {
  save(run: CollisionRun): Promise<void>;
  get(runId: string): Promise<CollisionRun | undefined>;
  list(limit: number): Promise<CollisionRun[]>;
}

/** Object storage (S3 buckets). */
export interface ObjectStore {
  /** Stream an object's bytes; throws when missing. */
  /**
   * Stream an object's bytes; throws when missing. With `ifMatch`, throws
   * {@link ObjectChangedError} if the object is no longer that ETag (overwritten meanwhile).
   */
  stream(bucket: string, key: string, ifMatch?: string): AsyncIterable<Uint8Array>;
  /** The object's current ETag, or undefined when it doesn't exist. */
  etag(bucket: string, key: string): Promise<string | undefined>;
  /**
   * The storage version (S3 `VersionId`) of the object as it is now, if the bucket keeps
   * versions: recorded with a dataset version, so the raw file it was read from is pinned.
   */
  versionId(bucket: string, key: string): Promise<string | undefined>;
  getBytes(bucket: string, key: string): Promise<Uint8Array | undefined>;
  /** Whether an object exists. */
  exists(bucket: string, key: string): Promise<boolean>;
  put(bucket: string, key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
}

/** Lateness records of the scheduled data-entry check (one per department, kind and missed due date). */
export interface LatenessRepository {
  /** Every record, open and resolved. */
  list(): Promise<LatenessRecord[]>;
  /** Create or update each record of its department, kind and due date (the last one of a key wins). */
  saveAll(records: readonly LatenessRecord[]): Promise<void>;
}

/** A presigned upload: the URL and the headers the PUT must carry (they are signed). */
export interface SignedUpload {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Hands out presigned upload URLs for the upload bucket (S3 `PutObject`). */
export interface UploadUrlSigner {
  /**
   * A URL that lets its holder create exactly this key, once, with exactly `contentLength`
   * bytes, for `expiresInSeconds`: signed with `If-None-Match: *` (an existing object is
   * never overwritten, so a reused URL fails) and `Content-Length`.
   */
  presignPut(
    key: string,
    expiresInSeconds: number,
    conditions: { readonly contentLength: number },
  ): Promise<SignedUpload>;
}

/** The object was overwritten between two reads that must see the same bytes. */
export class ObjectChangedError extends Error {
  constructor(bucket: string, key: string) {
    super(`s3://${bucket}/${key} changed while it was being read`);
    this.name = 'ObjectChangedError';
  }
}

/** Starts a collision run outside uploads and schedules (Step Functions `StartExecution` in AWS). */
export interface CollisionStarter {
  /** Start a run; `reason` is recorded as its trigger. Returns the execution's id. */
  start(reason: string, detail: Record<string, unknown>): Promise<string>;
}

/** A collision workflow execution that failed (Step Functions `FAILED`). */
export interface FailedExecution {
  /** The execution's name (its id in the API and the CLI). */
  readonly id: string;
  readonly startedAt: string;
  readonly stoppedAt?: string;
  /** What started it: `Object Created`, `Scheduled Event`, `Version Withdrawn`, … */
  readonly trigger: string;
  /** The uploaded file's key, when an upload started it. */
  readonly file?: string;
  /** Step Functions' `error` (e.g. `TransientError`, `States.Timeout`, `FileRejected`) and `cause`. */
  readonly error: string;
  readonly cause: string;
  /** Whether it can be redriven (a rejected file cannot: its Fail state is the verdict). */
  readonly redrivable: boolean;
  readonly redriveCount: number;
}

/** The collision workflow's executions: failed ones listed and redriven (Step Functions in AWS). */
export interface WorkflowExecutions {
  /** The most recent failed executions, newest first (at most `limit`). */
  listFailed(limit: number): Promise<FailedExecution[]>;
  /**
   * Run a failed execution again from the state that failed (`RedriveExecution`). Throws
   * `NotFoundError` for an unknown id and `ConflictError` when it can't be redriven.
   */
  redrive(id: string): Promise<{ readonly redrivenAt: string }>;
}

/** Storage of reports (一键举报), with optimistic locking on `revision`. */
export interface ReportRepository {
  /**
   * Store a new report together with its receipt (so that `getByReceipt` is a key lookup).
   * Throws when the report id or the receipt hash exists: nothing is ever overwritten.
   */
  create(report: Report): Promise<void>;
  get(reportId: string): Promise<Report | undefined>;
  /** The report of a receipt code's hash, by key (never a scan). */
  getByReceipt(receiptHash: string): Promise<Report | undefined>;
  /**
   * Move a report's receipt to another digest in one transaction (the new receipt item is
   * created, the old one deleted, the report's `receiptHash` set): a legacy unkeyed digest
   * is replaced by the keyed one the first time its code is looked up.
   */
  moveReceipt(report: Report, receiptHash: string): Promise<void>;
  /**
   * Write `next` if the stored report still has `previous.revision`, else throw
   * {@link RevisionConflictError} (`what: 'Report'`). Keeps the lead → report links in step with `leadIds`.
   */
  update(previous: Report, next: Report): Promise<void>;
  /**
   * Reports handled by one office (`office`: a township, `null` the county commission), filed
   * by one supervisor (`assistedBy`), or all; in no particular order. A county receives
   * hundreds of reports a year, so adapters read the partition and the caller filters further.
   */
  list(query: { readonly office?: string | null; readonly assistedBy?: string }): Promise<Report[]>;
  /** Reports that link a lead. */
  ofLead(leadId: string): Promise<Report[]>;
}
