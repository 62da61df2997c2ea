import type { RuleConfig } from '@jiandu/domain';
import type { PendingCollisionRepository } from '@jiandu/domain/collision-burst';
import type { ColumnMappingRepository } from '@jiandu/domain/datasets/column-mappings';
import type {
  LeadRepository,
  ObjectStore,
  ReportRepository,
  RunRepository,
  VersionRepository,
} from '@jiandu/domain/ports';
import type { ShardSizing } from './shards.js';

/** Structured logger port (Powertools Logger satisfies it). Never pass names or ID numbers. */
export interface Log {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** What the workflow's tasks need from the outside world: storage ports and settings. */
export interface PipelineDeps {
  readonly versions: VersionRepository;
  readonly leads: LeadRepository;
  readonly runs: RunRepository;
  readonly objects: ObjectStore;
  /** The data bucket: shards, rejects, manifests, findings (raw uploads are read where the event says). */
  readonly buckets: { readonly data: string };
  readonly ruleConfig: RuleConfig;
  /** Departments' remembered column mappings, applied when their files are read. */
  readonly columnMappings: ColumnMappingRepository;
  /**
   * A snapshot that would shrink the department's rows in force by more than this share (or to
   * zero) is held as `needs_confirmation`. @default {@link DEFAULT_SNAPSHOT_SHRINK_LIMIT}
   */
  readonly snapshotShrinkLimit?: number;
  readonly log: Log;
  /** Current time as ISO string (injected so tests are deterministic). */
  readonly now: () => string;
}

/** Default share a snapshot may shrink by before it is held for confirmation. */
export const DEFAULT_SNAPSHOT_SHRINK_LIMIT = 0.5;

/** Reading derived data (shards, manifests, findings) from the data bucket. */
export type DataReadDeps = Pick<PipelineDeps, 'objects' | 'buckets'>;

/*
 * What each task takes of {@link PipelineDeps}: its Lambda builds exactly these (and gets
 * the environment and grants for them), nothing more.
 */
/** `Normalize`: versions, objects, log, clock, the departments' column mappings. */
export interface NormalizeDeps
  extends Pick<
    PipelineDeps,
    'versions' | 'objects' | 'buckets' | 'log' | 'now' | 'columnMappings' | 'snapshotShrinkLimit'
  > {
  /** The pending collision: a file being read holds its burst (`whileReceiving`). */
  readonly pending: PendingCollisionRepository;
}
/** `RecordPending`: the pending collision item, log, clock. */
export interface RecordPendingDeps extends Pick<PipelineDeps, 'log' | 'now'> {
  readonly pending: PendingCollisionRepository;
}
/** `PlanCollision`: versions, runs, objects, log, clock, and how the shard count follows the data. */
export interface PlanDeps
  extends Pick<PipelineDeps, 'versions' | 'runs' | 'objects' | 'buckets' | 'log' | 'now'> {
  /** @default DEFAULT_SHARD_SIZING (`shards.ts`) */
  readonly shardSizing?: ShardSizing;
}
/** `MatchShard`: shards in, findings out, under the rule thresholds; no table. */
export type MatchShardDeps = Pick<PipelineDeps, 'objects' | 'buckets' | 'ruleConfig' | 'log'>;
/**
 * `ScoreAndStore`: leads, runs and versions, findings from the data bucket, rule thresholds,
 * the platform's lead-id key and reports (their lead links follow a re-keyed lead).
 */
export interface ScoreAndStoreDeps
  extends Pick<
    PipelineDeps,
    'leads' | 'runs' | 'versions' | 'objects' | 'buckets' | 'log' | 'now' | 'ruleConfig'
  > {
  /** The platform's lead-id key (`PlatformKeys.leadIds`). */
  readonly leadIdKey: Uint8Array;
  readonly reports: ReportRepository;
}
