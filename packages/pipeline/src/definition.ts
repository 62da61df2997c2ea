/**
 * The collision workflow as Amazon States Language, built in one place for both the
 * CDK stack (which deploys it with `definitionSubstitutions` for the function ARNs) and
 * the local platform (which runs the very same JSON in aws-local-stepfunctions).
 *
 * Kept to JSONPath and an inline Map: the local runner ignores JSONata, ItemReader and
 * Distributed mode. States pass S3 keys and counts, never rows (256 KiB state limit).
 */

import { REPROCESS_REQUEST } from '@jiandu/domain/datasets/column-mappings';
import { TRANSIENT_ERROR } from './transient.js';

/** Task states, each served by one Lambda function (in AWS) or the same handler (locally). */
export const TASKS = {
  Normalize: 'NormalizeFunctionArn',
  PlanCollision: 'PlanCollisionFunctionArn',
  MatchShard: 'MatchShardFunctionArn',
  ScoreAndStore: 'ScoreAndStoreFunctionArn',
} as const;

/** A task state name of the workflow. */
export type TaskName = keyof typeof TASKS;

/** The placeholder in the definition that `definitionSubstitutions` replaces with the task's ARN. */
export function substitutionKey(task: TaskName): string {
  return TASKS[task];
}

/** How many Map iterations run at once; each is one Lambda in AWS. */
export const MATCH_CONCURRENCY = 8;

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

function task(name: TaskName, rest: Record<string, unknown>): Record<string, unknown> {
  return { Type: 'Task', Resource: `\${${substitutionKey(name)}}`, Retry: lambdaRetry, ...rest };
}

/**
 * The workflow definition. Input is an EventBridge event: `Object Created` from the upload
 * bucket (one new file → normalize it, then re-run collision) or a `Scheduled Event`
 * (recurring full collision over all active versions).
 */
export function collisionDefinition(): Record<string, unknown> {
  return {
    Comment:
      'jiandu collision: normalize an upload, match all active data in ID-hash shards, score and store leads',
    QueryLanguage: 'JSONPath',
    StartAt: 'Trigger',
    States: {
      Trigger: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.source', StringEquals: 'aws.s3', Next: 'Normalize' },
          // A held upload read again under its department's new column mapping (REPROCESS_REQUEST).
          { Variable: '$.detail-type', StringEquals: REPROCESS_REQUEST, Next: 'Normalize' },
        ],
        Default: 'PlanCollision',
      },
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
          { Variable: '$.version.outcome', StringEquals: 'registered', Next: 'PlanCollision' },
          { Variable: '$.version.outcome', StringEquals: 'rejected', Next: 'FileRejected' },
          { Variable: '$.version.outcome', StringEquals: 'held', Next: 'Held' },
        ],
        Default: 'AlreadyIngested',
      },
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
      PlanCollision: task('PlanCollision', {
        Parameters: { 'trigger.$': '$.detail-type', 'eventTime.$': '$.time', 'detail.$': '$.detail' },
        ResultPath: '$.plan',
        Next: 'MatchShards',
      }),
      MatchShards: {
        Type: 'Map',
        ItemsPath: '$.plan.shards',
        MaxConcurrency: MATCH_CONCURRENCY,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'MatchShard',
          States: { MatchShard: task('MatchShard', { End: true }) },
        },
        ResultPath: '$.matched',
        Next: 'ScoreAndStore',
      },
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

/** The definition as the JSON string both CDK and the local runner use. */
export function collisionDefinitionString(): string {
  return JSON.stringify(collisionDefinition());
}

/** Replace `${Placeholder}` substitutions with concrete ARNs, as Step Functions does on deploy. */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}
