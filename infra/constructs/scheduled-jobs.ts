import { SCHEDULED_JOBS, type ScheduledJob, scheduleToCroner } from '@jiandu/pipeline/schedules';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantAccess } from './grants.js';
import { JianduFunction, type LogLevel } from './jiandu-function.js';

/** Props of {@link ScheduledJobs}. */
export interface ScheduledJobsProps {
  /** The single table (every job's handler is handed its name). */
  readonly table: dynamodb.ITable;
  /** Raw uploads; granted only to jobs declaring `uploadBucket:read`. */
  readonly uploadBucket: s3.IBucket;
  /** Shards, rejects, manifests; granted per `dataBucket:*` access. */
  readonly dataBucket: s3.IBucket;
  /** The collision workflow; granted only to jobs declaring `stateMachine:start`. */
  readonly stateMachine?: sfn.IStateMachine;
  /** The jobs to deploy. @default SCHEDULED_JOBS */
  readonly jobs?: readonly ScheduledJob[];
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** Extra environment for every job, e.g. `CADENCE_CONFIG`. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The platform's recurring jobs other than the collision (the `SCHEDULED_JOBS` registry):
 * per job one function with exactly the access it declares, and an EventBridge schedule rule
 * that invokes it with the `Scheduled Event` as input (retried twice, for at most an hour).
 */
export class ScheduledJobs extends Construct {
  /** The job functions, by job name. */
  readonly functions: Readonly<Record<string, JianduFunction>>;
  /** The schedule rules, by job name. */
  readonly rules: Readonly<Record<string, events.Rule>>;

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    const functions: Record<string, JianduFunction> = {};
    const rules: Record<string, events.Rule> = {};
    for (const job of props.jobs ?? SCHEDULED_JOBS) {
      // The local scheduler must be able to run the very same expression.
      scheduleToCroner(job.expression);
      const fn = new JianduFunction(this, job.name, {
        entry: job.entry,
        serviceName: `jiandu-job-${kebab(job.name)}`,
        description: job.description,
        memorySize: job.memorySize ?? 512,
        timeout: Duration.seconds(job.timeoutSeconds ?? 60),
        logLevel: props.logLevel,
        // Variables naming resources come with their grants (below); these are settings.
        ...(props.environment ? { environment: props.environment } : {}),
      });
      for (const access of new Set(job.access)) {
        grantAccess(fn, props, access, `scheduled job ${job.name}: ${job.description}.`);
      }
      functions[job.name] = fn;
      rules[job.name] = new events.Rule(this, `${job.name}Schedule`, {
        description: job.description,
        schedule: events.Schedule.expression(job.expression),
        // No `event` override: the handler receives the Scheduled Event itself, as locally.
        targets: [
          new targets.LambdaFunction(fn.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
        ],
      });
    }
    this.functions = functions;
    this.rules = rules;
  }
}

function kebab(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}
