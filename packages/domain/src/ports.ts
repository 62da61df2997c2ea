import type { DatasetKind } from './kinds.js';
import type { Lead } from './model.js';
import type { CollisionRun, DatasetVersion } from './versions.js';

/** Storage of dataset versions. */
export interface VersionRepository {
  get(versionId: string): Promise<DatasetVersion | undefined>;
  /** Store a new version; `false` when a version with that id already exists (nothing is overwritten). */
  create(version: DatasetVersion): Promise<boolean>;
  /** Replace a stored version with a new state of itself. */
  save(version: DatasetVersion): Promise<void>;
  /** A department's versions of one kind, oldest first. */
  listOfDataset(department: string, kind: DatasetKind): Promise<DatasetVersion[]>;
  /** Every version of one kind, any department, oldest first. */
  listOfKind(kind: DatasetKind): Promise<DatasetVersion[]>;
}

/** A page of results and the opaque cursor of the next page. */
export interface Page<T> {
  readonly items: T[];
  readonly cursor?: string;
}

/** Filters of the lead list. */
export interface LeadQuery {
  readonly rule?: string;
  readonly status?: string;
  readonly township?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** Thrown by `LeadRepository.put` when the stored revision is not the expected one. */
export class RevisionConflictError extends Error {
  constructor(readonly leadId: string) {
    super(`Lead ${leadId} was changed by someone else`);
    this.name = 'RevisionConflictError';
  }
}

/** Storage of leads, with optimistic locking on `revision`. */
export interface LeadRepository {
  get(leadId: string): Promise<Lead | undefined>;
  getMany(leadIds: readonly string[]): Promise<Map<string, Lead>>;
  /** Write a lead if the stored one has `expectedRevision` (0 = must not exist yet). */
  put(lead: Lead, expectedRevision: number): Promise<void>;
  list(query: LeadQuery): Promise<Page<Lead>>;
  /** Every lead of one rule (for superseding what a run no longer finds). */
  listOfRule(rule: string): Promise<Lead[]>;
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
  stream(bucket: string, key: string): AsyncIterable<Uint8Array>;
  getBytes(bucket: string, key: string): Promise<Uint8Array | undefined>;
  /** Whether an object exists. */
  exists(bucket: string, key: string): Promise<boolean>;
  put(bucket: string, key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
}

/** Starts a collision run outside uploads and schedules (Step Functions `StartExecution` in AWS). */
export interface CollisionStarter {
  /** Start a run; `reason` is recorded as its trigger. Returns the execution's id. */
  start(reason: string, detail: Record<string, unknown>): Promise<string>;
}
