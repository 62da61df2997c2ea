import { isDatasetKind } from '@jiandu/domain/kinds';
import * as z from 'zod';
import type { TaskName } from './definition.js';

/**
 * Inputs and outputs of the workflow's task states. Each handler parses its input with
 * these schemas, so the ASL's `Parameters` and the code can't drift apart silently.
 */
export const NormalizeInput = z.object({
  bucket: z.string().min(1),
  key: z.string().min(1),
  /** When S3 saw the object (EventBridge `time`): orders versions even when events arrive out of order. */
  eventTime: z.string().min(1),
});
export type NormalizeInput = z.infer<typeof NormalizeInput>;

/** `Normalize` on a `PLACES_REQUEST` (divisions changed through the API): read again what the divisions in force now place differently. */
export const ResolvePlacesInput = z.object({
  resolvePlaces: z.literal(true),
  eventTime: z.string().min(1),
});
export type ResolvePlacesInput = z.infer<typeof ResolvePlacesInput>;

/** What the `Normalize` function takes: an upload to read, or the places to resolve again. */
export const NormalizeTaskInput = z.union([NormalizeInput, ResolvePlacesInput]);

export const ResolvePlacesOutput = z.object({
  /** The kinds marked pending (sorted): `divisions` and those of the versions read again. */
  kinds: z.array(z.string()),
  /** Versions read again. */
  versions: z.number().int().nonnegative(),
});
export type ResolvePlacesOutput = z.infer<typeof ResolvePlacesOutput>;

export const NormalizeOutput = z.object({
  /**
   * `registered`: a version came into force (new, read again under a mapping, or restored by a
   * re-upload); `duplicate`: byte-identical or repeated event; `rejected`: file-level error;
   * `held`: kept out of force until the department maps a column or confirms a shrinking snapshot.
   */
  outcome: z.enum(['registered', 'duplicate', 'rejected', 'held']),
  versionId: z.string(),
  department: z.string(),
  kind: z.string(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  error: z.string().optional(),
  /**
   * `registered`: the kinds whose rows changed, sorted — its own, and those of versions read
   * again because it brought other divisions into force.
   */
  kinds: z.array(z.string()).optional(),
});
export type NormalizeOutput = z.infer<typeof NormalizeOutput>;

/** `RecordPending`: the kinds a registered upload changed, added to the pending (coalesced) collision. */
export const RecordPendingInput = z.object({
  versionId: z.string().min(1),
  kinds: z.array(z.string().refine(isDatasetKind, 'not a dataset kind')).min(1),
});
export type RecordPendingInput = z.infer<typeof RecordPendingInput>;

export const RecordPendingOutput = z.object({
  kinds: z.array(z.string()),
  revision: z.number().int().positive(),
  lastMarkedAt: z.string(),
});
export type RecordPendingOutput = z.infer<typeof RecordPendingOutput>;

export const PlanInput = z.object({
  trigger: z.string(),
  eventTime: z.string(),
  /** The triggering event's `detail`: which upload (its key names the kind) or which kind a request concerns. */
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type PlanInput = z.infer<typeof PlanInput>;

export const ShardTask = z.object({
  runId: z.string(),
  manifestKey: z.string(),
  shard: z.number().int().nonnegative(),
});
export type ShardTask = z.infer<typeof ShardTask>;

export const PlanOutput = z.object({
  runId: z.string(),
  manifestKey: z.string(),
  shards: z.array(ShardTask),
});
export type PlanOutput = z.infer<typeof PlanOutput>;

export const ShardResult = z.object({
  shard: z.number().int().nonnegative(),
  findingsKey: z.string(),
  findings: z.number().int().nonnegative(),
  /** Rows the shard task read: its slice of each kind, routed rows and the reference rows. */
  rows: z.number().int().nonnegative().optional(),
  /** Whether every rule's findings were re-cited from an earlier match (its rows not read: `rows` is 0). */
  recited: z.boolean().optional(),
  /** Wall time of the shard task. */
  durationMs: z.number().nonnegative().optional(),
  /** Peak resident memory of the process that ran it, in MB. */
  peakRssMb: z.number().nonnegative().optional(),
});
export type ShardResult = z.infer<typeof ShardResult>;

export const ScoreAndStoreInput = z.object({
  runId: z.string(),
  manifestKey: z.string(),
  shards: z.array(ShardResult),
});
export type ScoreAndStoreInput = z.infer<typeof ScoreAndStoreInput>;

export const RunSummary = z.object({
  runId: z.string(),
  leadsNew: z.number().int(),
  leadsUpdated: z.number().int(),
  leadsUnchanged: z.number().int(),
  leadsSuperseded: z.number().int(),
  findings: z.number().int(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** `SyncDisclosure`: what started the run (the sync itself reads the versions in force, nothing of the collision). */
export const SyncDisclosureInput = z.object({
  trigger: z.string(),
  eventTime: z.string(),
});
export type SyncDisclosureInput = z.infer<typeof SyncDisclosureInput>;

/**
 * Where each Lambda's entry lives, relative to the repository root: CDK bundles these
 * files and the local platform imports the same ones.
 */
export const FUNCTION_ENTRIES: Readonly<Record<TaskName | 'Api', string>> = {
  Normalize: 'functions/pipeline/normalize.ts',
  RecordPending: 'functions/pipeline/record-pending.ts',
  PlanCollision: 'functions/pipeline/plan-collision.ts',
  MatchShard: 'functions/pipeline/match-shard.ts',
  ScoreAndStore: 'functions/pipeline/score-and-store.ts',
  SyncDisclosure: 'functions/pipeline/sync-disclosure.ts',
  Api: 'functions/api.ts',
};

// The collision request is what the API's CollisionStarter sends too: it lives in the domain,
// which both sides depend on (the store must not depend on the pipeline).
export { CollisionRequestEvent, collisionRequestEvent } from '@jiandu/domain/collision-request';
