import { FUNCTION_ENTRIES } from '@jiandu/pipeline/contracts';
import {
  CLOUD_DEFINITION,
  collisionDefinitionString,
  TASK_TIMEOUT_SECONDS,
  TASKS,
  type TaskName,
} from '@jiandu/pipeline/definition';
import { type CollisionSchedule, DEFAULT_SCHEDULES, scheduleToCroner } from '@jiandu/pipeline/schedules';
import { ArnFormat, type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type FunctionAccess, grantAccess, nagArnToken } from './grants.js';
import { JianduFunction, type JianduFunctionProps, type LogLevel } from './jiandu-function.js';
import { grantPlatformSecret } from './platform-secret.js';

/** Context key overriding the nightly collision's EventBridge expression, e.g. `cron(0 19 * * ? *)`. */
export const COLLISION_SCHEDULE_CONTEXT = 'collisionSchedule';

/** The schedule the `collisionSchedule` context key overrides. */
export const OVERRIDABLE_SCHEDULE = 'NightlyCollision';

/** Key prefix under which departments drop files (CONTRACT.md §1); only these start the workflow. */
export const UPLOAD_PREFIX = 'uploads/';

/** Props of {@link CollisionWorkflow}. */
export interface CollisionWorkflowProps {
  /** The single table (versions, leads, runs). */
  readonly table: dynamodb.ITable;
  /** Where departments upload raw files; must send EventBridge notifications. */
  readonly uploadBucket: s3.IBucket;
  /** Normalized shards, rejects, manifests, findings. */
  readonly dataBucket: s3.IBucket;
  /** Schedules to run a full collision on. @default DEFAULT_SCHEDULES, nightly one overridable by context */
  readonly schedules?: readonly CollisionSchedule[];
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** The platform's master secret: ScoreAndStore reads it to key lead ids, SyncDisclosure the lookup index. */
  readonly platformSecret: secretsmanager.ISecret;
}

/** Per task: how the function is sized. Normalize parses whole XLSX files; matching holds one shard. */
const TASK_SIZING: Readonly<
  Record<TaskName, Pick<JianduFunctionProps, 'memorySize' | 'timeout' | 'description'>>
> = {
  Normalize: {
    memorySize: 2048,
    timeout: Duration.seconds(TASK_TIMEOUT_SECONDS.Normalize),
    description: 'Normalize one uploaded CSV/XLSX into a dataset version, shards and a quality report',
  },
  RecordPending: {
    memorySize: 256,
    timeout: Duration.seconds(TASK_TIMEOUT_SECONDS.RecordPending),
    description: 'Add a registered upload to the pending collision: one run covers the whole burst',
  },
  PlanCollision: {
    // The serial step holds the county's whole reference: ≈ 2 GB of heap at 1,000,000 persons
    // (docs/scale.md §3); 1,024 MB held only up to ≈ 400,000.
    memorySize: 3008,
    timeout: Duration.seconds(TASK_TIMEOUT_SECONDS.PlanCollision),
    description: 'Plan a collision run: active versions, manifest and ID-hash shards',
  },
  MatchShard: {
    memorySize: 2048,
    timeout: Duration.seconds(TASK_TIMEOUT_SECONDS.MatchShard),
    description: 'Cross-match one ID-hash shard and write its findings',
  },
  ScoreAndStore: {
    // Holds the run's findings and the county's stored leads to diff them: ≈ 180 MB of heap
    // growth at 15,000 leads (README, lead store benchmark), about a 1,000,000-person county's.
    // 1,769 MB is one full vCPU; the disclosure sync that needed 3,008 MB has its own function now.
    memorySize: 1769,
    timeout: Duration.seconds(TASK_TIMEOUT_SECONDS.ScoreAndStore),
    description: 'Score findings into leads and store them, superseding leads whose evidence disappeared',
  },
  SyncDisclosure: {
    // The first load of a county rebuilds the lookup index over every registered person:
    // +0.4 GB of heap per 100,000 persons measured in memory (docs/scale.md §7), so ≈ 4 GB at
    // 1,000,000, plus the rows of the shard being read and the SDK's batches in flight:
    // 6,144 MB leaves ≈ 50% headroom. The ≈ 7 minutes of writes such a first load takes
    // (docs/scale.md §7) fit in 15 minutes, Lambda's maximum.
    memorySize: 6144,
    timeout: Duration.seconds(TASK_TIMEOUT_SECONDS.SyncDisclosure),
    description:
      'Bring the public disclosure projections in step with the versions in force, beside the collision',
  },
};

/**
 * Per task: what it may touch and why. Each entry is one grant plus the variable naming the
 * resource; raw uploads are read, never written, by the pipeline.
 */
const TASK_ACCESS: Readonly<Record<TaskName, Partial<Record<FunctionAccess, string>>>> = {
  Normalize: {
    'uploadBucket:read': 'Normalize reads whichever file a department uploaded.',
    'dataBucket:readWrite': "Normalize writes the version's shards, rejects and quality report.",
    'table:readWrite': 'Normalize registers dataset versions.',
  },
  RecordPending: {
    'table:readWrite': "RecordPending adds the upload's kind to the pending collision item.",
  },
  PlanCollision: {
    'table:readWrite': 'PlanCollision reads active versions and records the run.',
    'dataBucket:readWrite': 'PlanCollision writes the run manifest next to the shards it lists.',
  },
  MatchShard: {
    'dataBucket:readWrite': 'MatchShard reads one shard of every version and writes its findings.',
  },
  ScoreAndStore: {
    'table:readWrite': 'ScoreAndStore writes leads and closes superseded ones.',
    'dataBucket:read': 'ScoreAndStore reads the findings of every shard of the run.',
  },
  SyncDisclosure: {
    'table:readWrite':
      'SyncDisclosure reads the versions in force, writes the public projections and takes, renews and releases its lease item (conditional writes).',
    'dataBucket:disclosure':
      'SyncDisclosure reads the shards of the versions it projects and keeps its totals parts and state under disclosure/.',
  },
};

/**
 * The collision pipeline: one Lambda per workflow task, the shared ASL definition in its cloud
 * shape (`collisionDefinitionString(CLOUD_DEFINITION)`: MatchShards as a Distributed Map) with
 * the function ARNs substituted in, and the ways it starts — an upload under `uploads/`
 * (EventBridge `Object Created`), the schedules, and the platform's own requests (a burst's
 * pending collision: `CollisionStarter` job, `POST /api/v1/uploads/complete`).
 */
export class CollisionWorkflow extends Construct {
  /** The task functions, by task state name. */
  readonly functions: Readonly<Record<TaskName, JianduFunction>>;
  /** The collision state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** Starts the workflow for every object created under `uploads/` in the upload bucket. */
  readonly uploadRule: events.Rule;
  /** Scheduled full collisions, by schedule name. */
  readonly scheduleRules: Readonly<Record<string, events.Rule>>;

  constructor(scope: Construct, id: string, props: CollisionWorkflowProps) {
    super(scope, id);
    const make = (task: TaskName): JianduFunction => {
      const fn = new JianduFunction(this, task, {
        entry: FUNCTION_ENTRIES[task],
        serviceName: `jiandu-${kebab(task)}`,
        logLevel: props.logLevel,
        ...TASK_SIZING[task],
      });
      for (const [access, purpose] of Object.entries(TASK_ACCESS[task])) {
        grantAccess(fn, props, access as FunctionAccess, purpose);
      }
      return fn;
    };
    const functions: Record<TaskName, JianduFunction> = {
      Normalize: make('Normalize'),
      RecordPending: make('RecordPending'),
      PlanCollision: make('PlanCollision'),
      MatchShard: make('MatchShard'),
      ScoreAndStore: make('ScoreAndStore'),
      SyncDisclosure: make('SyncDisclosure'),
    };
    this.functions = functions;

    // ScoreAndStore keys lead ids, SyncDisclosure the public lookup index: they alone read the platform secret.
    grantPlatformSecret(props.platformSecret, functions.ScoreAndStore);
    grantPlatformSecret(props.platformSecret, functions.SyncDisclosure);

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const definitionSubstitutions = Object.fromEntries(
      (Object.keys(TASKS) as TaskName[]).map((task) => [TASKS[task], functions[task].function.functionArn]),
    );
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'jiandu collision workflow',
      // The very JSON the local platform runs, but for MatchShards: a Distributed Map here.
      definitionBody: sfn.DefinitionBody.fromString(collisionDefinitionString(CLOUD_DEFINITION)),
      definitionSubstitutions,
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: Duration.hours(2),
      tracingEnabled: true,
      // Errors only, without execution data: inputs and outputs carry staff IPs, file names and
      // error text about people; the task functions log what operators need, without them.
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Errors only, without execution data, on purpose: "ALL" would keep every state\'s input and output (staff IPs, file names, error text about people) for a year. The task functions write structured logs without personal data, and Step Functions keeps each execution\'s history for 90 days.',
    });
    grantDistributedMap(this, this.stateMachine);
    // A definition from a string hides its Lambda tasks from CDK, so grant invocation explicitly.
    for (const fn of Object.values(functions)) fn.function.grantInvoke(this.stateMachine.role);

    const smRole = this.stateMachine.role;
    for (const [task, fn] of Object.entries(functions)) {
      Validations.of(smRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArnToken(fn.function, smRole)}:*]`,
        reason: `grantInvoke adds "<${task} function ARN>:*" so the state machine may also invoke published versions and aliases of that one function.`,
      });
    }
    Validations.of(smRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the statements CDK adds for execution logging (logs:CreateLogDelivery and friends) and X-Ray tracing use "*": neither API supports resource-level permissions.',
    });

    this.uploadRule = new events.Rule(this, 'UploadRule', {
      description: 'A department dropped a file under uploads/: normalize it, then re-run the collision',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.uploadBucket.bucketName] },
          object: { key: events.Match.prefix(UPLOAD_PREFIX) },
        },
      },
      // No `input`: the workflow's Trigger state reads the EventBridge event itself.
      targets: [new targets.SfnStateMachine(this.stateMachine)],
    });

    const scheduleRules: Record<string, events.Rule> = {};
    for (const schedule of props.schedules ?? resolveSchedules(this)) {
      scheduleRules[schedule.name] = new events.Rule(this, schedule.name, {
        description: schedule.description,
        schedule: events.Schedule.expression(schedule.expression),
        targets: [new targets.SfnStateMachine(this.stateMachine)],
      });
    }
    this.scheduleRules = scheduleRules;
  }
}

/**
 * A Distributed Map runs each item as a child execution of the state machine itself, so its
 * role must start, describe and stop executions of this one state machine. In a policy of its
 * own: the state machine waits for its role's default policy, which therefore can't name the
 * state machine's ARN without a cycle.
 */
function grantDistributedMap(scope: Construct, stateMachine: sfn.StateMachine): void {
  const executions = Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachine.stateMachineName}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const policy = new iam.Policy(scope, 'DistributedMapPolicy', {
    statements: [
      new iam.PolicyStatement({
        sid: 'StartShardExecutions',
        actions: ['states:StartExecution'],
        resources: [stateMachine.stateMachineArn],
      }),
      new iam.PolicyStatement({
        sid: 'FollowShardExecutions',
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [executions],
      }),
    ],
  });
  policy.attachToRole(stateMachine.role);
  const machineId = Stack.of(scope).resolve((stateMachine.node.defaultChild as CfnResource).logicalId);
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${machineId}.Name>/*]`,
    reason:
      'The Distributed Map (MatchShards) follows the child executions it starts, one per shard; their names are chosen by Step Functions, under this one state machine only.',
  });
}

/**
 * `DEFAULT_SCHEDULES`, with the nightly expression replaced by the `collisionSchedule`
 * context value when given. The override is checked the way the local platform will read it.
 */
export function resolveSchedules(scope: Construct): CollisionSchedule[] {
  const override: unknown = scope.node.tryGetContext(COLLISION_SCHEDULE_CONTEXT);
  if (override === undefined) return [...DEFAULT_SCHEDULES];
  if (typeof override !== 'string' || override.trim() === '') {
    throw new Error(
      `Context ${COLLISION_SCHEDULE_CONTEXT} must be an EventBridge cron(...) or rate(...) expression`,
    );
  }
  const expression = override.trim();
  scheduleToCroner(expression); // throws on anything the local scheduler could not run either
  if (!DEFAULT_SCHEDULES.some((s) => s.name === OVERRIDABLE_SCHEDULE)) {
    throw new Error(
      `Context ${COLLISION_SCHEDULE_CONTEXT} is set but there is no ${OVERRIDABLE_SCHEDULE} schedule`,
    );
  }
  return DEFAULT_SCHEDULES.map((s) => (s.name === OVERRIDABLE_SCHEDULE ? { ...s, expression } : s));
}

function kebab(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}
