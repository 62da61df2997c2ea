import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOn, grantsOf, logicalId, type SynthesizedApp, synthesize } from './support.js';

let app: SynthesizedApp;
let api: Template;

beforeAll(() => {
  app = synthesize();
  api = app.templates.api;
});

const apiFunctionId = () => logicalId(app.api.api.handler.function);

describe('Jiandu-Api', () => {
  it('sends every route to the API function through one payload-v2 proxy integration', () => {
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.length).toBeGreaterThan(1);
    // Target is `integrations/<integration id>`.
    const targets = new Set(
      routes.map((r) => ((r.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string }).Ref),
    );
    expect(targets.size).toBe(1);
    const integration = api.findResources('AWS::ApiGatewayV2::Integration')[[...targets][0] ?? ''];
    expect(integration?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [apiFunctionId(), 'Arn'] },
    });
    // API Gateway may invoke the function.
    api.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [apiFunctionId(), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('has an auto-deployed $default stage with throttling and JSON access logs to a retained log group', () => {
    const stageId = logicalId(app.api.api.stage);
    const stage = api.findResources('AWS::ApiGatewayV2::Stage')[stageId];
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logicalId(app.api.api.accessLogs), 'Arn'] } },
    });
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    // Nothing that identifies a person: no authorization header, no query string.
    expect(JSON.stringify(format)).not.toMatch(/authorization|querystring|identity\.user/i);
    api.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('gives the function its table, buckets, state machine and token issuer in the environment', () => {
    const fn = api.findResources('AWS::Lambda::Function')[apiFunctionId()];
    const store = app.data.store;
    const imported = (id: string) => ({
      'Fn::ImportValue': expect.stringMatching(new RegExp(`^Jiandu-Data:ExportsOutputRef${id}`)),
    });
    expect(fn?.Properties.Environment.Variables).toEqual({
      TABLE_NAME: imported(logicalId(store.table)),
      AUDIT_TABLE_NAME: imported(logicalId(store.auditTable)),
      UPLOAD_BUCKET: imported(logicalId(store.uploadBucket)),
      DATA_BUCKET: imported(logicalId(store.dataBucket)),
      JWT_ISSUER: expect.anything(),
      JWT_AUDIENCE: expect.anything(),
      JWKS_URL: expect.anything(),
      USER_POOL_ID: { Ref: logicalId(app.api.identity.userPool) },
      STATE_MACHINE_ARN: {
        'Fn::ImportValue': expect.stringMatching(
          new RegExp(`^Jiandu-Pipeline:ExportsOutputRef${logicalId(app.pipeline.workflow.stateMachine)}`),
        ),
      },
      PLATFORM_SECRET_ARN: imported(logicalId(app.data.platformSecret)),
      EDGE_SECRET_ARN: { Ref: logicalId(app.api.edgeSecret.secret) },
      POWERTOOLS_SERVICE_NAME: 'jiandu-api',
      LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(fn?.Properties).toMatchObject({ Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    // HTTP API gives up after 30 s; the function must finish first.
    expect(fn?.Properties.Timeout).toBeLessThan(30);
  });

  it('may start collision runs on exactly the pipeline state machine', () => {
    const grants = grantsOf(api, logicalId(app.api.api.handler.role));
    const starts = grants.filter((g) => g.actions.includes('states:StartExecution'));
    expect(starts).toHaveLength(1);
    expect(starts[0]?.resources.join()).toContain(logicalId(app.pipeline.workflow.stateMachine));
  });

  it('may list, describe and redrive the executions of exactly that state machine, nothing else', () => {
    const grants = grantsOf(api, logicalId(app.api.api.handler.role));
    const machine = logicalId(app.pipeline.workflow.stateMachine);
    const states = grants.filter((g) => g.actions.some((a) => a.startsWith('states:')));
    const onMachine = states.filter((g) => g.resources.every((r) => r.includes(machine)));
    expect(onMachine).toEqual(states);
    expect(actionsOn(grants, machine)).toEqual([
      'states:DescribeExecution',
      'states:ListExecutions',
      'states:RedriveExecution',
      'states:StartExecution',
    ]);
    // Redrive and describe act on the machine's executions (`…:execution:<machine name>:*`), not on any machine's.
    const redrive = states.find((g) => g.actions.includes('states:RedriveExecution'));
    expect([...(redrive?.actions ?? [])].sort()).toEqual([
      'states:DescribeExecution',
      'states:RedriveExecution',
    ]);
    expect(redrive?.resources).toHaveLength(1);
    expect(redrive?.resources[0]).toMatch(/:execution:/);
    expect(redrive?.resources[0]).toMatch(/:\*"\]\]\}$/);
  });

  it('may read/write the table, read data, and read/put (never delete) uploads', () => {
    const grants = grantsOf(api, logicalId(app.api.api.handler.role));
    const store = app.data.store;
    expect(actionsOn(grants, logicalId(store.table))).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]),
    );
    expect(actionsOn(grants, logicalId(store.dataBucket))).toEqual([
      's3:GetBucket*',
      's3:GetObject*',
      's3:List*',
    ]);
    const upload = actionsOn(grants, logicalId(store.uploadBucket));
    expect(upload).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:PutObject']));
    expect(upload.filter((a) => a.startsWith('s3:Delete'))).toEqual([]);
  });

  it('outputs the API URL', () => {
    api.hasOutput('ApiUrl', {
      Value: {
        'Fn::Join': [
          '',
          Match.arrayWith([Match.stringLikeRegexp('^https://$'), { Ref: logicalId(app.api.api.httpApi) }]),
        ],
      },
    });
  });
});
