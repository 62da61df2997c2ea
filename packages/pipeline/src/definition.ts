/**
 * The collision workflow as Amazon States Language, built in one place for both the
 * CDK stack (which deploys it with `definitionSubstitutions` for the function ARNs) and
 * the local platform (which runs the very same JSON in aws-local-stepfunctions).
 *
 * One definition, two shapes of the shard fan-out ({@link MapMode}): the cloud runs
 * `MatchShards` as a Distributed Map (each shard a child execution, thousands at once), the
 * local runner — which ignores JSONata, ItemReader and Distributed mode — as an inline Map.
 * Every other state is the same JSON. States pass S3 keys and counts, never rows (256 KiB
 * state limit).
 */

import { REPROCESS_REQUEST } from '@jiandu/domain/datasets/column-mappings';
import { PLACES_REQUEST } from '@jiandu/domain/kinds';
import { DISCLOSURE_SYNC_BUSY, DISCLOSURE_SYNC_LEASE_SECONDS } from './disclosure-lease.js';
import { TRANSIENT_ERROR } from './transient.js';

/** Task states, each served by one Lambda function (in AWS) or the same handler (locally). */
export const TASKS = {
  Normalize: 'NormalizeFunctionArn',
  RecordPending: 'RecordPendingFunctionArn',
  PlanCollision: 'PlanCollisionFunctionArn',
  MatchShard: 'MatchShardFunctionArn',
  ScoreAndStore: 'ScoreAndStoreFunctionArn',
  SyncDisclosure: 'SyncDisclosureFunctionArn',
} as const;

/** A task state name of the workflow. */
export type TaskName = keyof typeof TASKS;

/**
 * How long each task's function may run (its Lambda timeout; CDK sizes the functions from
 * this). The task state waits a little longer, so the function's own timeout is what ends a
 * hung task. Without `TimeoutSeconds` the local interpreter stops every task after 60 s, which
 * a large county's Normalize or ScoreAndStore needs more than.
 */
export const TASK_TIMEOUT_SECONDS: Readonly<Record<TaskName, number>> = {
  Normalize: 600,
  RecordPending: 30,
  PlanCollision: 300,
  MatchShard: 600,
  ScoreAndStore: 600,
  // Its first load of a 1,000,000-person county writes every payment record and rebuilds the
  // lookup index (≈ 295 s at 100,000 persons on DynamoDB Local, before packing): Lambda's maximum.
  SyncDisclosure: 900,
};

/** Slack of a task state's `TimeoutSeconds` over its function's timeout. */
const STATE_TIMEOUT_SLACK_SECONDS = 30;

/** The placeholder in the definition that `definitionSubstitutions` replaces with the task's ARN. */
export function substitutionKey(task: TaskName): string {
  return TASKS[task];
}

/**
 * How `MatchShards` fans out: `inline` (one execution, at most 40 iterations at once; what
 * aws-local-stepfunctions runs) or `distributed` (Step Functions Distributed Map: each shard
 * a child execution, up to 10,000 at once; what the CDK stack deploys).
 */
export type MapMode = 'inline' | 'distributed';

/** How many Map iterations run at once; each is one Lambda in AWS. */
export const MATCH_CONCURRENCY = 8;

/** Options of {@link collisionDefinition}. */
export interface DefinitionOptions {
  /** The shard fan-out's shape. */
  readonly mapMode: MapMode;
  /** Shards matched at once. @default {@link MATCH_CONCURRENCY} */
  readonly matchConcurrency?: number;
}

/** The shape the local platform runs. */
export const LOCAL_DEFINITION: DefinitionOptions = { mapMode: 'inline' };
/** The shape the CDK stack deploys. */
export const CLOUD_DEFINITION: DefinitionOptions = { mapMode: 'distributed' };

const lambdaRetry = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
  },
  // A task that met a reset, throttling or a 5xx past its SDK retries, or ran out of time
  // (Lambda's `Sandbox.Timedout`, the state's `States.Timeout`): tasks are idempotent, run it again.
  {
    ErrorEquals: [TRANSIENT_ERROR, 'States.Timeout', 'Sandbox.Timedout'],
    IntervalSeconds: 2,
    MaxAttempts: 4,
    BackoffRate: 2,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
];

/** Each wait of a busy sync is a random share of at most this (`JitterStrategy: FULL`). */
const BUSY_BACKOFF = { IntervalSeconds: 5, BackoffRate: 2, MaxDelaySeconds: 60 } as const;

/** Retries until the expected total wait is twice the lease: its sum outlasts a holder by far. */
function busyAttempts(): number {
  const { IntervalSeconds, BackoffRate, MaxDelaySeconds } = BUSY_BACKOFF;
  let expected = 0;
  let attempts = 0;
  while (expected < 2 * DISCLOSURE_SYNC_LEASE_SECONDS) {
    // Full jitter waits uniformly between 0 and the attempt's cap: half of it on average.
    expected += Math.min(IntervalSeconds * BackoffRate ** attempts, MaxDelaySeconds) / 2;
    attempts += 1;
  }
  return attempts;
}

/**
 * A disclosure sync that found another sync holding its lease (`DisclosureSyncBusy`) waits for
 * it — it may carry newer versions in force, so it must run, after the holder, not be skipped
 * (`disclosure-lease.ts`). Jittered back-off capped at a minute, so it starts soon after the
 * holder ends and two waiting syncs don't retry in step; attempts enough to outlast a sync
 * running its whole timeout, or a killed sync's lease expiring by itself.
 */
export const DISCLOSURE_SYNC_BUSY_RETRY = {
  ErrorEquals: [DISCLOSURE_SYNC_BUSY],
  ...BUSY_BACKOFF,
  MaxAttempts: busyAttempts(),
  JitterStrategy: 'FULL',
} as const;

/** Both sync states: the retries of every task, and waiting for the lease. */
const syncRetry = [...lambdaRetry, DISCLOSURE_SYNC_BUSY_RETRY];

function task(name: TaskName, rest: Record<string, unknown>): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: `\${${substitutionKey(name)}}`,
    TimeoutSeconds: TASK_TIMEOUT_SECONDS[name] + STATE_TIMEOUT_SLACK_SECONDS,
    Retry: lambdaRetry,
    ...rest,
  };
}

/**
 * The shard fan-out: the same item list (`$.plan.shards`, one small `ShardTask` each) and the
 * same iteration in both shapes. Distributed: each shard a STANDARD child execution (its own
 * history, retries and re-drive; no 5-minute Express cap on a large shard), no shard failure
 * tolerated (a run's leads must be complete), items from the state (a county run has tens of
 * shards; see docs/scale.md for ItemReader over an S3 shard manifest at province scale).
 */
function matchShards(options: DefinitionOptions): Record<string, unknown> {
  const iteration = { StartAt: 'MatchShard', States: { MatchShard: task('MatchShard', { End: true }) } };
  const common = {
    Type: 'Map',
    ItemsPath: '$.plan.shards',
    MaxConcurrency: options.matchConcurrency ?? MATCH_CONCURRENCY,
    ResultPath: '$.matched',
    Next: 'ScoreAndStore',
  };
  if (options.mapMode === 'inline') {
    return { ...common, ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...iteration } };
  }
  return {
    ...common,
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...iteration },
    Label: 'MatchShards',
    ToleratedFailurePercentage: 0,
  };
}

/** What started the run, as the plan and both runs of the disclosure sync are told it. */
const TRIGGER_PARAMETERS = { 'trigger.$': '$.detail-type', 'eventTime.$': '$.time' };

/** The collision proper: plan, match the shards, score and store leads; its output is the run's summary. */
function collisionBranch(options: DefinitionOptions): Record<string, unknown> {
  return {
    StartAt: 'PlanCollision',
    States: {
      PlanCollision: task('PlanCollision', {
        Parameters: { ...TRIGGER_PARAMETERS, 'detail.$': '$.detail' },
        ResultPath: '$.plan',
        Next: 'MatchShards',
      }),
      MatchShards: matchShards(options),
      ScoreAndStore: task('ScoreAndStore', {
        Parameters: {
          'runId.$': '$.plan.runId',
          'manifestKey.$': '$.plan.manifestKey',
          'shards.$': '$.matched',
        },
        ResultPath: '$.result',
        OutputPath: '$.result',
        End: true,
      }),
    },
  };
}

/**
 * The disclosure sync beside the collision: `{ disclosure: summary }`, or `{ disclosureFailed:
 * { Error, Cause } }` once its retries are spent. A Parallel state stops every branch when one
 * fails, so this branch catches its failure instead of ending the collision's: leads are stored
 * whatever happens to the projections.
 */
function syncBranch(): Record<string, unknown> {
  return {
    StartAt: 'SyncDisclosure',
    States: {
      SyncDisclosure: task('SyncDisclosure', {
        Parameters: TRIGGER_PARAMETERS,
        Retry: syncRetry,
        ResultSelector: { 'disclosure.$': '$' },
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failed', Next: 'SyncDeferred' }],
        End: true,
      }),
      SyncDeferred: {
        Type: 'Pass',
        Comment: 'The sync failed beside the collision; it runs once more after it (SyncDisclosureAgain).',
        Parameters: { 'disclosureFailed.$': '$.failed' },
        End: true,
      },
    },
  };
}

/**
 * The workflow definition. Input is an EventBridge event: `Object Created` from the upload
 * bucket (one new file → normalize it, add its kind to the pending collision), a platform
 * request (`Collision Pending` when a burst of uploads is over, `Version Withdrawn`, …:
 * collide now) or a `Scheduled Event` (recurring full collision over all active versions).
 *
 * Every run that is not a single upload — a burst's collision, a withdrawal or restore, the
 * nightly run that moves the published months forward — brings the public disclosure
 * projections in step (`SyncDisclosure`, its own function). The sync needs nothing of the
 * collision (it reads the versions in force, not leads), so it runs beside it (`Collide`, a
 * Parallel state) rather than after it: the run ends after the longer of the two, not their
 * sum, and neither's function has to be sized or timed for both. A sync that fails beside the
 * collision is tried once more after it, as a step of its own (`SyncDisclosureAgain`; the sync
 * resumes where it stopped): if that fails too the execution fails there, with leads stored,
 * and a redrive runs that one step again. A failed collision fails `Collide` (the sync branch
 * is stopped with it; a redrive runs what did not finish).
 */
export function collisionDefinition(options: DefinitionOptions): Record<string, unknown> {
  return {
    Comment:
      'jiandu collision: normalize an upload and mark its kind pending; for a burst, a request or the schedule, match all active data in ID-hash shards, score and store leads, and beside it sync the public disclosure projections',
    QueryLanguage: 'JSONPath',
    StartAt: 'Trigger',
    States: {
      Trigger: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.source', StringEquals: 'aws.s3', Next: 'Normalize' },
          // A held upload read again under its department's new column mapping (REPROCESS_REQUEST).
          { Variable: '$.detail-type', StringEquals: REPROCESS_REQUEST, Next: 'Normalize' },
          // Divisions withdrawn, restored or confirmed through the API (PLACES_REQUEST).
          { Variable: '$.detail-type', StringEquals: PLACES_REQUEST, Next: 'ResolvePlaces' },
        ],
        Default: 'Collide',
      },
      // What the divisions in force now place differently is read again, and its kinds marked:
      // the burst's collision runs their rules, as after a divisions upload.
      ResolvePlaces: task('Normalize', {
        Parameters: { resolvePlaces: true, 'eventTime.$': '$.time' },
        ResultPath: '$.pending',
        End: true,
      }),
      Normalize: task('Normalize', {
        Parameters: {
          'bucket.$': '$.detail.bucket.name',
          'key.$': '$.detail.object.key',
          'eventTime.$': '$.time',
        },
        ResultPath: '$.version',
        Next: 'IsNewVersion',
      }),
      IsNewVersion: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.version.outcome', StringEquals: 'registered', Next: 'RecordPending' },
          { Variable: '$.version.outcome', StringEquals: 'rejected', Next: 'FileRejected' },
          { Variable: '$.version.outcome', StringEquals: 'held', Next: 'Held' },
        ],
        Default: 'AlreadyIngested',
      },
      // Coalesced collision: a registered upload only marks its kind; one run covers the burst.
      RecordPending: task('RecordPending', {
        Parameters: { 'versionId.$': '$.version.versionId', 'kinds.$': '$.version.kinds' },
        ResultPath: '$.pending',
        End: true,
      }),
      Held: {
        Type: 'Succeed',
        Comment:
          'Held out of force (needs_mapping / needs_confirmation) until the department acts; no collision.',
      },
      AlreadyIngested: {
        Type: 'Succeed',
        Comment: 'Byte-identical file or repeated event: nothing changes.',
      },
      FileRejected: {
        Type: 'Fail',
        Error: 'FileRejected',
        Cause: 'The file could not be read as its dataset kind; see the version record for the reason.',
      },
      Collide: {
        Type: 'Parallel',
        Comment:
          'The collision (plan, match shards, score and store leads) and the disclosure sync, side by side.',
        Branches: [collisionBranch(options), syncBranch()],
        ResultSelector: { 'leads.$': '$[0]', 'sync.$': '$[1]' },
        ResultPath: '$.collided',
        Next: 'DisclosureSynced',
      },
      DisclosureSynced: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.collided.sync.disclosureFailed', IsPresent: true, Next: 'SyncDisclosureAgain' },
        ],
        Default: 'Collided',
      },
      SyncDisclosureAgain: task('SyncDisclosure', {
        Comment:
          'Leads are stored; the sync that failed beside the collision runs once more, a step a redrive repeats.',
        Parameters: TRIGGER_PARAMETERS,
        Retry: syncRetry,
        ResultSelector: { 'disclosure.$': '$' },
        ResultPath: '$.collided.sync',
        Next: 'Collided',
      }),
      // The run's output: its summary (`RunSummary`, what the CLI reports) with `disclosure`,
      // what the sync changed.
      Collided: {
        Type: 'Pass',
        Parameters: { 'output.$': 'States.JsonMerge($.collided.leads, $.collided.sync, false)' },
        OutputPath: '$.output',
        End: true,
      },
    },
  };
}

/** The definition as the JSON string CDK (cloud shape) and the local runner (local shape) use. */
export function collisionDefinitionString(options: DefinitionOptions): string {
  return JSON.stringify(collisionDefinition(options));
}

/** Replace `${Placeholder}` substitutions with concrete ARNs, as Step Functions does on deploy. */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}
