import { SCHEDULED_JOBS, type ScheduledJob } from '@jiandu/pipeline/schedules';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScheduledJobs } from '../../infra/constructs/scheduled-jobs.js';
import {
  actionsOn,
  DYNAMO_READ_WRITE,
  grantsOf,
  logicalId,
  NO_BUNDLING,
  S3_READ,
  type SynthesizedApp,
  synthesize,
} from './support.js';

let app: SynthesizedApp;
beforeAll(() => {
  // Synthesis runs cdk-nag and throws on any unacknowledged finding: the jobs are nag-clean.
  app = synthesize();
});

describe('scheduled jobs in the pipeline stack', () => {
  it('deploys every job of the registry, DataLateness included', () => {
    expect(Object.keys(app.pipeline.jobs.functions).sort()).toEqual(SCHEDULED_JOBS.map((j) => j.name).sort());
    expect(SCHEDULED_JOBS.map((j) => j.name)).toContain('DataLateness');
  });

  it.each(SCHEDULED_JOBS.map((j) => [j.name, j] as const))(
    '%s runs on its expression and gets the Scheduled Event itself, with retries',
    (name, job) => {
      const template = app.templates.pipeline;
      const fn = app.pipeline.jobs.functions[name];
      const rule = app.pipeline.jobs.rules[name];
      if (!fn || !rule) throw new Error(`no function or rule for ${name}`);
      const rules = template.findResources('AWS::Events::Rule');
      expect(rules[logicalId(rule)]?.Properties).toEqual({
        Description: job.description,
        ScheduleExpression: job.expression,
        State: 'ENABLED',
        Targets: [
          {
            Arn: { 'Fn::GetAtt': [logicalId(fn.function), 'Arn'] },
            Id: expect.any(String),
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          },
        ],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalId(fn.function), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalId(rule), 'Arn'] },
      });
    },
  );

  it.each(SCHEDULED_JOBS.map((j) => [j.name, j] as const))(
    '%s names in its environment exactly the resources of the access it declares',
    (name, job) => {
      const template = app.templates.pipeline;
      const fn = app.pipeline.jobs.functions[name];
      if (!fn) throw new Error(`no function for ${name}`);
      const properties = template.findResources('AWS::Lambda::Function')[logicalId(fn.function)]?.Properties;
      const imported = (resource: IConstruct) => ({
        'Fn::ImportValue': expect.stringContaining(logicalId(resource)),
      });
      const declares = (prefix: string) => job.access.some((a) => a.startsWith(prefix));
      expect(properties.Environment.Variables).toEqual({
        ...(declares('table:') ? { TABLE_NAME: imported(app.data.store.table) } : {}),
        ...(declares('uploadBucket:') ? { UPLOAD_BUCKET: imported(app.data.store.uploadBucket) } : {}),
        ...(declares('dataBucket:') ? { DATA_BUCKET: imported(app.data.store.dataBucket) } : {}),
        ...(declares('stateMachine:')
          ? { STATE_MACHINE_ARN: { Ref: logicalId(app.pipeline.workflow.stateMachine) } }
          : {}),
        POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^jiandu-job-/),
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(properties.Architectures).toEqual(['arm64']);
      const grants = grantsOf(template, logicalId(fn.role));
      const store = app.data.store;
      expect({
        table: actionsOn(grants, logicalId(store.table)),
        upload: actionsOn(grants, logicalId(store.uploadBucket)),
        data: actionsOn(grants, logicalId(store.dataBucket)),
      }).toEqual({
        table: job.access.includes('table:readWrite') ? DYNAMO_READ_WRITE : [],
        upload: job.access.includes('uploadBucket:read') ? S3_READ : [],
        data: job.access.some((a) => a.startsWith('dataBucket:')) ? expect.arrayContaining(S3_READ) : [],
      });
    },
  );
});

describe('ScheduledJobs construct', () => {
  function build(jobs: readonly ScheduledJob[]) {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Jobs');
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
    });
    const upload = new s3.Bucket(stack, 'Upload');
    const data = new s3.Bucket(stack, 'Data');
    const machine = new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
    });
    const jobsConstruct = new ScheduledJobs(stack, 'Jobs', {
      table,
      uploadBucket: upload,
      dataBucket: data,
      stateMachine: machine,
      jobs,
      environment: { CADENCE_CONFIG: '{"notices":{"cadence":"none"}}' },
    });
    return { stack, template: Template.fromStack(stack), jobs: jobsConstruct, table, upload, data, machine };
  }

  it('grants what a job declares and nothing more, with env and grants together', () => {
    const built = build([
      {
        name: 'Reader',
        expression: 'rate(6 hours)',
        entry: 'functions/jobs/data-lateness.ts',
        description: 'reads shards and starts runs',
        access: ['dataBucket:read', 'stateMachine:start'],
      },
    ]);
    const fn = built.jobs.functions.Reader;
    if (!fn) throw new Error('no Reader function');
    const grants = grantsOf(built.template, logicalId(fn.role));
    expect(actionsOn(grants, logicalId(built.table))).toEqual([]);
    expect(actionsOn(grants, logicalId(built.upload))).toEqual([]);
    expect(actionsOn(grants, logicalId(built.data))).toEqual(S3_READ);
    expect(actionsOn(grants, logicalId(built.machine))).toEqual(['states:StartExecution']);
    const env =
      built.template.findResources('AWS::Lambda::Function')[logicalId(fn.function)]?.Properties.Environment
        .Variables;
    expect(env).toMatchObject({
      STATE_MACHINE_ARN: { Ref: logicalId(built.machine) },
      DATA_BUCKET: { Ref: logicalId(built.data) },
      CADENCE_CONFIG: '{"notices":{"cadence":"none"}}',
    });
    // No variable for what the job may not touch.
    expect(env).not.toHaveProperty('TABLE_NAME');
    expect(env).not.toHaveProperty('UPLOAD_BUCKET');
    built.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
  });

  it('refuses an expression the local scheduler could not run', () => {
    expect(() =>
      build([
        {
          name: 'Bad',
          expression: 'cron(0 1 * * ? 2030)',
          entry: 'functions/jobs/data-lateness.ts',
          description: 'year-bound',
          access: [],
        },
      ]),
    ).toThrow(/Year-restricted/);
  });
});
