import { FUNCTION_ENTRIES } from '@jiandu/pipeline/contracts';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type FunctionAccess, grantAccess } from './grants.js';
import type { ApiIdentity } from './identity.js';
import { JianduFunction, type LogLevel } from './jiandu-function.js';
import { grantPlatformSecret } from './platform-secret.js';

/** Props of {@link PublicApi}. */
export interface PublicApiProps {
  /** The single table (leads, versions, runs). */
  readonly table: dynamodb.ITable;
  /** The audit log's own table: the API appends to it and reads it, nothing else. */
  readonly auditTable: dynamodb.ITable;
  /** Upload bucket: the API will hand out presigned upload URLs. */
  readonly uploadBucket: s3.IBucket;
  /** Data bucket: quality reports, rejects and evidence the API shows. */
  readonly dataBucket: s3.IBucket;
  /** The collision workflow: the API starts a run when a department withdraws a version. */
  readonly stateMachine: sfn.IStateMachine;
  /** Who signs the staff's ID tokens: the function verifies them, the gateway authorizes private routes. */
  readonly identity: ApiIdentity;
  /** Steady-state requests per second across the API. @default 50 */
  readonly rateLimit?: number;
  /** Burst requests across the API. @default 100 */
  readonly burstLimit?: number;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** The platform's master secret: the API keys receipts, proofs of work, rate limits and audit hashes with it. */
  readonly platformSecret: secretsmanager.ISecret;
}

/**
 * Gateway routes without an authorizer: the hono app's public routes (`access: 'public'`),
 * and `/api/v1/public/…` for citizens' reports. Everything else under `/api/v1/` needs a
 * valid ID token at the gateway (and again in the function). `why` is the cdk-nag
 * acknowledgement of the missing authorizer: what the route carries and what protects it.
 */
export const PUBLIC_ROUTES: readonly {
  readonly method: apigwv2.HttpMethod;
  readonly path: string;
  readonly why: string;
}[] = [
  {
    method: apigwv2.HttpMethod.GET,
    path: '/api/v1/health',
    why: 'Liveness check for monitoring: answers {"status":"ok"} and nothing else, so it needs no account.',
  },
  {
    method: apigwv2.HttpMethod.GET,
    path: '/api/v1/programs',
    why: 'The subsidy program catalogue (codes, names, whether means-tested): public reference data, no personal data.',
  },
  {
    method: apigwv2.HttpMethod.GET,
    path: '/api/v1/rules',
    why: 'The lead rules (codes, titles, descriptions, kinds read): published so citizens see what is checked; no personal data.',
  },
  {
    method: apigwv2.HttpMethod.GET,
    path: '/api/v1/openapi.json',
    why: 'The OpenAPI document of the API (paths, schemas, roles): a description generated from the route table, no data at all.',
  },
  {
    method: apigwv2.HttpMethod.GET,
    path: '/api/v1/docs',
    why: 'The same OpenAPI document as a static HTML page for people: a description of the API, no data at all.',
  },
  {
    method: apigwv2.HttpMethod.ANY,
    path: '/api/v1/public/{proxy+}',
    why: "Citizens file reports (一键举报) and follow them without an account, so these routes DO carry personal data: a real-name report's name, phone and the facts reported, and a report's handling shown to whoever holds its receipt code. What protects them is in the function: receipt codes are random, stored only as hashes and sent in the body (never the URL), lookups are rate-limited per address, and the stage throttles all requests; TLS only. Every staff route has the JWT authorizer.",
  },
];

/** The gateway route of every private request: any method under `/api/v1/`, behind the JWT authorizer. */
export const PRIVATE_ROUTE = { method: apigwv2.HttpMethod.ANY, path: '/api/v1/{proxy+}' } as const;

/**
 * The inspectors' HTTP API: every route goes to the hono app in one Lambda function, which
 * routes and verifies tokens itself (the same code locally and in AWS); in front of it the
 * gateway's JWT authorizer rejects unauthenticated calls to private routes. The stage has
 * access logging and throttling.
 */
export class PublicApi extends Construct {
  /** The API function. */
  readonly handler: JianduFunction;
  /** The HTTP API. */
  readonly httpApi: apigwv2.HttpApi;
  /** The auto-deployed `$default` stage. */
  readonly stage: apigwv2.HttpStage;
  /** Stage access logs (JSON, one line per request). */
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    this.handler = new JianduFunction(this, 'Api', {
      entry: FUNCTION_ENTRIES.Api,
      serviceName: 'jiandu-api',
      description: 'jiandu inspector API (hono): leads, versions, runs, exports',
      memorySize: 1024,
      // HTTP API integrations time out at 30 s; finish (or fail) before the gateway gives up.
      timeout: Duration.seconds(29),
      logLevel: props.logLevel,
      environment: {
        JWT_ISSUER: props.identity.issuer,
        JWT_AUDIENCE: props.identity.audience,
        JWKS_URL: props.identity.jwksUrl,
        USER_POOL_ID: props.identity.userPool.userPoolId,
      },
    });
    // Assignees are checked against the pool's staff: read its groups' members, nothing else.
    props.identity.userPool.grant(this.handler.role, 'cognito-idp:ListUsersInGroup');
    grantPlatformSecret(props.platformSecret, this.handler);
    const grant = (access: FunctionAccess, purpose: string) =>
      grantAccess(this.handler, props, access, purpose);
    grant(
      'stateMachine:startAndRedrive',
      'the API re-runs the collision when a department withdraws a version, and lists and redrives failed runs.',
    );
    grant('table:readWrite', 'the API lists and updates leads, versions and runs.');
    // The API is the audit log's only writer: it may append entries, never change them.
    grant('auditTable:append', 'the API appends audit entries and lists them for admins.');
    grant('dataBucket:read', 'the API shows quality reports, rejects and evidence of any version.');
    // Read + put, no delete: raw uploads are evidence (withdrawal is a record in the table).
    grant(
      'uploadBucket:readPut',
      'the API presigns uploads to any department/kind key and serves the raw files back.',
    );

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'jiandu inspector API',
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.handler.function, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    for (const route of PUBLIC_ROUTES) {
      for (const publicRoute of this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration,
      })) {
        Validations.of(publicRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: route.why });
      }
    }
    this.httpApi.addRoutes({
      path: PRIVATE_ROUTE.path,
      methods: [PRIVATE_ROUTE.method],
      integration,
      authorizer: props.identity.authorizer,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
  }

  /** The API's base URL. */
  get url(): string {
    const url = this.stage.url;
    if (!url) throw new Error('The $default stage has no URL');
    return url;
  }
}

/**
 * What the gateway logs per request. Never the client's address (nor a user agent or the
 * token): the stage serves the anonymous report routes too, and an address with a time and
 * `POST /api/v1/public/reports` would identify a whistle-blower. Staff reads of confidential
 * data are attributed in the audit log instead (who, what, from where). Route and status only.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: apigw.AccessLogField.contextRequestId(),
  requestTime: apigw.AccessLogField.contextRequestTime(),
  method: apigw.AccessLogField.contextHttpMethod(),
  path: apigw.AccessLogField.contextPath(),
  routeKey: '$context.routeKey',
  status: apigw.AccessLogField.contextStatus(),
  protocol: apigw.AccessLogField.contextProtocol(),
  responseLength: apigw.AccessLogField.contextResponseLength(),
  integrationError: '$context.integrationErrorMessage',
  latencyMs: '$context.responseLatency',
} as const;
