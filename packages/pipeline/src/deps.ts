import type { RuleConfig } from '@jiandu/domain';
import type {
  LeadRepository,
  ObjectStore,
  ReportRepository,
  RunRepository,
  VersionRepository,
} from '@jiandu/domain/ports';

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
  readonly log: Log;
  /** Current time as ISO string (injected so tests are deterministic). */
  readonly now: () => string;
}

/** What `ScoreAndStore` needs on top: the lead-id key, and reports (their lead links follow a re-keyed lead). */
export interface ScoringDeps extends PipelineDeps {
  /** The platform's lead-id key (`PlatformKeys.leadIds`). */
  readonly leadIdKey: Uint8Array;
  readonly reports: ReportRepository;
}
