import type { RuleConfig } from '@jiandu/domain';
import type { ColumnMappingRepository } from '@jiandu/domain/datasets/column-mappings';
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
  readonly buckets: { readonly upload: string; readonly data: string };
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
