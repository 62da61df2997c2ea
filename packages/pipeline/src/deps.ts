import type { RuleConfig } from '@jiandu/domain';
import type { LeadRepository, ObjectStore, RunRepository, VersionRepository } from '@jiandu/domain/ports';

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
  readonly log: Log;
  /** Current time as ISO string (injected so tests are deterministic). */
  readonly now: () => string;
}

/** Reading derived data (shards, manifests, findings) from the data bucket. */
export type DataReadDeps = Pick<PipelineDeps, 'objects' | 'buckets'>;

/*
 * What each task takes of {@link PipelineDeps}: its Lambda builds exactly these (and gets
 * the environment and grants for them), nothing more.
 */
/** `Normalize`: versions, objects, log, clock. */
export type NormalizeDeps = Pick<PipelineDeps, 'versions' | 'objects' | 'buckets' | 'log' | 'now'>;
/** `PlanCollision`: versions, runs, objects, log, clock. */
export type PlanDeps = Pick<PipelineDeps, 'versions' | 'runs' | 'objects' | 'buckets' | 'log' | 'now'>;
/** `MatchShard`: shards in, findings out, under the rule thresholds; no table. */
export type MatchShardDeps = Pick<PipelineDeps, 'objects' | 'buckets' | 'ruleConfig'>;
/** `ScoreAndStore`: leads, runs and versions, findings from the data bucket, rule thresholds. */
export type ScoreAndStoreDeps = Pick<
  PipelineDeps,
  'leads' | 'runs' | 'versions' | 'objects' | 'buckets' | 'log' | 'now' | 'ruleConfig'
>;
