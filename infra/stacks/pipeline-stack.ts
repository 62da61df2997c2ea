import { MAX_COLLISION_QUIET_SECONDS } from '@jiandu/domain/collision-burst';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CollisionWorkflow } from '../constructs/collision-workflow.js';
import { ScheduledJobs } from '../constructs/scheduled-jobs.js';

/** Context key: seconds without a new upload before a burst's collision starts (default 60). */
export const COLLISION_QUIET_CONTEXT = 'collisionQuietSeconds';

/** Props of {@link PipelineStack}: the data stack's resources. */
export interface PipelineStackProps extends StackProps {
  readonly table: dynamodb.ITable;
  readonly uploadBucket: s3.IBucket;
  readonly dataBucket: s3.IBucket;
  /** The platform's master secret: ScoreAndStore keys lead ids with it. */
  readonly platformSecret: secretsmanager.ISecret;
}

/** `Jiandu-Pipeline`: the task functions, the collision state machine and its triggers. */
export class PipelineStack extends Stack {
  /** The collision workflow. */
  readonly workflow: CollisionWorkflow;
  /** The recurring jobs of `SCHEDULED_JOBS` (data lateness, …). */
  readonly jobs: ScheduledJobs;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.workflow = new CollisionWorkflow(this, 'Collision', {
      table: props.table,
      uploadBucket: props.uploadBucket,
      dataBucket: props.dataBucket,
      platformSecret: props.platformSecret,
    });
    this.jobs = new ScheduledJobs(this, 'Jobs', {
      table: props.table,
      uploadBucket: props.uploadBucket,
      dataBucket: props.dataBucket,
      stateMachine: this.workflow.stateMachine,
    });
    const quiet = collisionQuietSeconds(this);
    if (quiet !== undefined) {
      this.jobs.functions.CollisionStarter?.function.addEnvironment('COLLISION_QUIET_SECONDS', String(quiet));
    }
    // Read by the staff command line to follow the executions its uploads start.
    new CfnOutput(this, 'StateMachineArn', {
      value: this.workflow.stateMachine.stateMachineArn,
      description: 'The collision workflow',
    });
  }
}

/** The `collisionQuietSeconds` context value, checked the way the CollisionStarter reads it. */
function collisionQuietSeconds(scope: Construct): number | undefined {
  const value: unknown = scope.node.tryGetContext(COLLISION_QUIET_CONTEXT);
  if (value === undefined) return undefined;
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (
    typeof seconds !== 'number' ||
    !Number.isInteger(seconds) ||
    seconds < 0 ||
    seconds > MAX_COLLISION_QUIET_SECONDS
  ) {
    throw new Error(
      `Context ${COLLISION_QUIET_CONTEXT} must be whole seconds from 0 to ${MAX_COLLISION_QUIET_SECONDS}, got ${JSON.stringify(value)}`,
    );
  }
  return seconds;
}
