import {
  CLOUD_DEFINITION,
  collisionDefinitionString,
  TASKS,
  type TaskName,
} from '@jiandu/pipeline/definition';
import { DEFAULT_SCHEDULES } from '@jiandu/pipeline/schedules';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildJianduApp } from '../../infra/jiandu-app.js';
import {
  actionsOn,
  CDK_JSON_CONTEXT,
  DYNAMO_READ_WRITE,
  grantsOf,
  logicalId,
  NO_BUNDLING,
  S3_READ,
  S3_READ_WRITE,
  type SynthesizedApp,
  synthesize,
} from './support.js';

const TASK_NAMES = Object.keys(TASKS) as TaskName[];

/** What each task may do, per resource (CONTRACT: uploads are only ever read by the pipeline). */
const EXPECTED_ACCESS: Record<TaskName, { upload: string[]; data: string[]; table: string[] }> = {
  Normalize: { upload: S3_READ, data: S3_READ_WRITE, table: DYNAMO_READ_WRITE },
  RecordPending: { upload: [], data: [], table: DYNAMO_READ_WRITE },
  PlanCollision: { upload: [], data: S3_READ_WRITE, table: DYNAMO_READ_WRITE },
  MatchShard: { upload: [], data: S3_READ_WRITE, table: [] },
  ScoreAndStore: { upload: [], data: S3_READ, table: DYNAMO_READ_WRITE },
  // Read of version shards, write of disclosure/* only (see the key-pattern test below).
  SyncDisclosure: { upload: [], data: S3_READ_WRITE, table: DYNAMO_READ_WRITE },
};

/** The tasks that read the platform secret: ScoreAndStore keys lead ids, SyncDisclosure the lookup index. */
const READS_SECRET: readonly TaskName[] = ['ScoreAndStore', 'SyncDisclosure'];

let app: SynthesizedApp;
let pipeline: Template;
const fnId = (task: TaskName) => logicalId(app.pipeline.workflow.functions[task].function);

beforeAll(() => {
  app = synthesize();
  pipeline = app.templates.pipeline;
});

describe('collision state machine', () => {
  it('deploys exactly the shared ASL string, in its cloud shape', () => {
    const sm = pipeline.findResources('AWS::StepFunctions::StateMachine')[
      logicalId(app.pipeline.workflow.stateMachine)
    ];
    expect(sm?.Properties.DefinitionString).toBe(collisionDefinitionString(CLOUD_DEFINITION));
    const definition = JSON.parse(sm?.Properties.DefinitionString as string);
    expect(definition.States.Collide.Branches[0].States.MatchShards.ItemProcessor.ProcessorConfig).toEqual({
      Mode: 'DISTRIBUTED',
      ExecutionType: 'STANDARD',
    });
  });

  it('lets the Distributed Map start, follow and stop child executions of this state machine only', () => {
    const machine = logicalId(app.pipeline.workflow.stateMachine);
    const role = pipeline.findResources('AWS::StepFunctions::StateMachine')[machine]?.Properties.RoleArn[
      'Fn::GetAtt'
    ][0];
    const policies = Object.values(pipeline.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role),
    );
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const on = (action: string) =>
      statements.filter((st) => [st.Action].flat().includes(action)).map((st) => st.Resource);
    expect(on('states:StartExecution')).toEqual([{ Ref: machine }]);
    const followed = JSON.stringify(on('states:DescribeExecution'));
    expect(followed).toContain(':execution:');
    expect(followed).toContain(`"Fn::GetAtt":["${machine}","Name"]`);
    expect(on('states:StopExecution')).toEqual(on('states:DescribeExecution'));
  });

  it('substitutes every task placeholder with that task function ARN', () => {
    const expected = Object.fromEntries(
      TASK_NAMES.map((t) => [TASKS[t], { 'Fn::GetAtt': [fnId(t), 'Arn'] }]),
    );
    const sm = pipeline.findResources('AWS::StepFunctions::StateMachine')[
      logicalId(app.pipeline.workflow.stateMachine)
    ];
    expect(sm?.Properties.DefinitionSubstitutions).toEqual(expected);
    // Each placeholder the definition uses has a substitution, and vice versa.
    const used = new Set(
      [...collisionDefinitionString(CLOUD_DEFINITION).matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]),
    );
    expect([...used].sort()).toEqual(Object.keys(expected).sort());
  });

  it('logs errors only, without execution data, to a log group and traces with X-Ray', () => {
    pipeline.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ERROR',
        IncludeExecutionData: false,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
        ],
      },
    });
  });

  it('may invoke exactly the four task functions, nothing else', () => {
    const grants = grantsOf(pipeline, logicalId(app.pipeline.workflow.stateMachine.role));
    const invoke = grants.filter((g) => g.actions.some((a) => a.startsWith('lambda:')));
    expect(invoke.every((g) => g.effect === 'Allow' && g.actions.join() === 'lambda:InvokeFunction')).toBe(
      true,
    );
    const resources = invoke.flatMap((g) => g.resources).sort();
    const expected = TASK_NAMES.flatMap((t) => {
      const arn = { 'Fn::GetAtt': [fnId(t), 'Arn'] };
      return [JSON.stringify(arn), JSON.stringify({ 'Fn::Join': ['', [arn, ':*']] })];
    }).sort();
    expect(resources).toEqual(expected);
    // No S3 or DynamoDB access for the orchestrator itself: states carry keys, tasks do the I/O.
    expect(grants.flatMap((g) => g.actions).filter((a) => /^(s3|dynamodb):/.test(a))).toEqual([]);
  });
});

describe('task functions', () => {
  it.each(TASK_NAMES)('%s gets exactly its S3 and DynamoDB permissions', (task) => {
    const grants = grantsOf(pipeline, logicalId(app.pipeline.workflow.functions[task].role));
    const store = app.data.store;
    expect({
      upload: actionsOn(grants, logicalId(store.uploadBucket)),
      data: actionsOn(grants, logicalId(store.dataBucket)),
      table: actionsOn(grants, logicalId(store.table)),
    }).toEqual(EXPECTED_ACCESS[task]);
    // Nothing beyond the store, its own log group and X-Ray (and, for ScoreAndStore and
    // SyncDisclosure, the platform secret that keys lead ids and lookups).
    const other = grants
      .filter((g) => g.resources.some((r) => !/Store(Uploads|Data|Table)/.test(r)))
      .flatMap((g) => g.actions)
      .sort();
    expect(other).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
        ...(READS_SECRET.includes(task)
          ? ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']
          : []),
      ].sort(),
    );
  });

  /** The resources each task names in its environment: those it is granted, no others. */
  const TASK_VARIABLES = {
    Normalize: ['TABLE_NAME', 'UPLOAD_BUCKET', 'DATA_BUCKET'],
    RecordPending: ['TABLE_NAME'],
    PlanCollision: ['TABLE_NAME', 'DATA_BUCKET'],
    MatchShard: ['DATA_BUCKET'],
    ScoreAndStore: ['TABLE_NAME', 'DATA_BUCKET'],
    SyncDisclosure: ['TABLE_NAME', 'DATA_BUCKET'],
  } as const;

  it.each(TASK_NAMES)(
    '%s is an ARM64, traced, JSON-logging function with only the resources it uses in its environment',
    (task) => {
      const fn = pipeline.findResources('AWS::Lambda::Function')[fnId(task)];
      const store = app.data.store;
      expect(fn).toBeDefined();
      const properties = fn?.Properties;
      expect(properties.Architectures).toEqual(['arm64']);
      expect(properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(properties.Runtime).toBe('nodejs24.x');
      expect(properties.Handler).toBe('index.handler');
      expect(properties.LoggingConfig).toMatchObject({
        LogFormat: 'JSON',
        LogGroup: { Ref: logicalId(app.pipeline.workflow.functions[task].logGroup) },
      });
      const imported = (resource: IConstruct) => ({
        'Fn::ImportValue': expect.stringMatching(
          new RegExp(`^Jiandu-Data:ExportsOutputRef${logicalId(resource)}`),
        ),
      });
      const resources = {
        TABLE_NAME: imported(store.table),
        UPLOAD_BUCKET: imported(store.uploadBucket),
        DATA_BUCKET: imported(store.dataBucket),
      };
      expect(properties.Environment.Variables).toEqual({
        ...Object.fromEntries(TASK_VARIABLES[task].map((name) => [name, resources[name]])),
        ...(READS_SECRET.includes(task) ? { PLATFORM_SECRET_ARN: imported(app.data.platformSecret) } : {}),
        POWERTOOLS_SERVICE_NAME: `jiandu-${task.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`,
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    },
  );

  it('lets SyncDisclosure read version shards and write only its own disclosure/ objects in the data bucket', () => {
    const grants = grantsOf(pipeline, logicalId(app.pipeline.workflow.functions.SyncDisclosure.role));
    const bucket = logicalId(app.data.store.dataBucket);
    const objects = (pattern: string) =>
      actionsOn(
        grants.filter((g) => g.resources.some((r) => r.includes(bucket) && r.includes(pattern))),
        bucket,
      );
    expect(objects('/versions/*/shards/*')).toEqual(S3_READ);
    expect(objects('/disclosure/*')).toEqual(S3_READ_WRITE);
    // No statement on every object of the bucket (`<bucket>/*`), none on the upload bucket.
    expect(
      grants.flatMap((g) => g.resources).filter((r) => r.includes(bucket) && r.includes('"/*"')),
    ).toEqual([]);
    expect(actionsOn(grants, logicalId(app.data.store.uploadBucket))).toEqual([]);
  });

  it('sizes SyncDisclosure for a 1,000,000-person first load, and ScoreAndStore without the sync', () => {
    const fn = (task: TaskName) => pipeline.findResources('AWS::Lambda::Function')[fnId(task)]?.Properties;
    expect(fn('SyncDisclosure')).toMatchObject({ MemorySize: 6144, Timeout: 900 });
    expect(fn('ScoreAndStore')).toMatchObject({ MemorySize: 1769, Timeout: 600 });
    expect(fn('SyncDisclosure')?.Environment.Variables).not.toHaveProperty('RULE_CONFIG');
  });

  it('gives every function log group a retention', () => {
    for (const task of TASK_NAMES) {
      const group =
        pipeline.findResources('AWS::Logs::LogGroup')[
          logicalId(app.pipeline.workflow.functions[task].logGroup)
        ];
      expect(group?.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });
});

describe('triggers', () => {
  const stateMachineTarget = () => [
    {
      Arn: { Ref: logicalId(app.pipeline.workflow.stateMachine) },
      Id: Match.anyValue(),
      RoleArn: Match.anyValue(),
    },
  ];

  it('starts the workflow for objects created under uploads/ in the upload bucket, with the event as input', () => {
    const rule = pipeline.findResources('AWS::Events::Rule')[logicalId(app.pipeline.workflow.uploadRule)];
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: {
          name: [{ 'Fn::ImportValue': expect.stringContaining(`Ref${logicalId(app.data.uploadBucket)}`) }],
        },
        object: { key: [{ prefix: 'uploads/' }] },
      },
    });
    // Exact target shape: no Input / InputPath / InputTransformer, so the event itself is the input.
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.s3'] }),
      Targets: Match.exact(stateMachineTarget()),
    });
  });

  it.each(DEFAULT_SCHEDULES.map((s) => [s.name, s] as const))(
    'runs schedule %s on its expression with the scheduled event as input',
    (name, schedule) => {
      const rule =
        pipeline.findResources('AWS::Events::Rule')[
          logicalId(app.pipeline.workflow.scheduleRules[name] as never)
        ];
      expect(rule?.Properties.ScheduleExpression).toBe(schedule.expression);
      pipeline.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: schedule.expression,
        Targets: Match.exact(stateMachineTarget()),
      });
    },
  );

  it('lets the county override the nightly schedule through the collisionSchedule context', () => {
    const overridden = synthesize({ collisionSchedule: 'cron(30 19 ? * MON-FRI *)' });
    overridden.templates.pipeline.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 19 ? * MON-FRI *)',
    });
    const expressions = Object.values(overridden.templates.pipeline.findResources('AWS::Events::Rule')).map(
      (r) => r.Properties.ScheduleExpression,
    );
    expect(expressions).not.toContain(DEFAULT_SCHEDULES[0]?.expression);
  });

  it('sets the burst quiet period of the CollisionStarter only, from the collisionQuietSeconds context', () => {
    const configured = synthesize({ collisionQuietSeconds: '300' });
    const starter = logicalId(configured.pipeline.jobs.functions.CollisionStarter?.function as IConstruct);
    const functions = configured.templates.pipeline.findResources('AWS::Lambda::Function');
    expect(functions[starter]?.Properties.Environment.Variables.COLLISION_QUIET_SECONDS).toBe('300');
    const others = Object.entries(functions).filter(([id]) => id !== starter);
    for (const [, fn] of others)
      expect(fn.Properties.Environment?.Variables).not.toHaveProperty('COLLISION_QUIET_SECONDS');
    for (const bad of ['-1', '3601', '1.5', 'soon']) {
      expect(() =>
        buildJianduApp({ context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING, collisionQuietSeconds: bad } }),
      ).toThrow(/collisionQuietSeconds/);
    }
  });

  it('rejects a schedule override the scheduler could not run', () => {
    for (const bad of ['0 18 * * *', 'cron(0 18 * * ? 2030)', '']) {
      expect(() =>
        buildJianduApp({ context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING, collisionSchedule: bad } }),
      ).toThrow(/collisionSchedule|cron/);
    }
  });
});
