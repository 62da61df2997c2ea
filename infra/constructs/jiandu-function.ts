import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOCK_FILE, REPO_ROOT, repoPath } from '../paths.js';

/** Powertools / application log levels the handlers understand. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * The Lambda runtime: the newest Node.js LTS Lambda offers. Pinned rather than
 * `NODEJS_LATEST`, so a CDK upgrade cannot move production to another Node.js unnoticed;
 * the code itself also runs on Node.js 20.19+, 22 and 24 (engines in package.json, README).
 */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * ESM bundles have no `require`; some dependencies (exceljs, iconv-lite) still call it for
 * Node built-ins, so give them one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __jianduCreateRequire } from 'node:module'; const require = __jianduCreateRequire(import.meta.url);";

/** Props of {@link JianduFunction}. */
export interface JianduFunctionProps {
  /** Entry file relative to the repository root, e.g. `FUNCTION_ENTRIES.Normalize`. */
  readonly entry: string;
  /** What the function does (Lambda console description). */
  readonly description: string;
  /** `POWERTOOLS_SERVICE_NAME`: groups this function's logs and traces. */
  readonly serviceName: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Extra environment variables (on top of the Powertools ones). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** @default six months */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Node.js Lambda function the way every jiandu function is built: esbuild bundle (local
 * esbuild, ESM with a `require` shim, source maps), ARM64, JSON logs into its own log group
 * with a retention, Powertools settings, active X-Ray tracing, and a role that can only
 * write to that log group (grants are added by the caller).
 */
export class JianduFunction extends Construct {
  /** The Lambda function. */
  readonly function: NodejsFunction;
  /** The function's execution role. */
  readonly role: iam.Role;
  /** Where the function's JSON logs go. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: JianduFunctionProps) {
    super(scope, id);
    const logLevel = props.logLevel ?? 'INFO';

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.SIX_MONTHS,
      // Operational logs, not evidence: they go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to any log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: repoPath(props.entry),
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: logLevel,
        // Stack traces point into the TypeScript sources through the bundled source maps.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        minify: true,
        // Chinese text (messages, the traditional→simplified dictionaries) as UTF-8: esbuild's
        // default \uXXXX escapes take twice the bytes. (As an argument: aws-cdk-lib 2.276
        // declares a `charset` prop but never passes it to esbuild.)
        esbuildArgs: { '--charset': 'utf8' },
        // Local esbuild from node_modules; synth must work offline and without Docker.
        forceDockerBundling: false,
        // Bundle the SDK clients a function uses, tree-shaken, instead of loading the runtime's
        // copy: one file imports several times faster than the SDK's hundreds of modules
        // (measured in test/infra/bundling.test.ts), and the function runs the SDK version
        // the tests ran, not whatever the runtime ships that day.
        bundleAwsSDK: true,
        // The one exception: the Cognito client (~100 KB) is imported lazily by the API's staff
        // directory, on the first assignment, and taken from the runtime's SDK then, so it
        // costs the cold start nothing.
        externalModules: ['@aws-sdk/client-cognito-identity-provider'],
      },
    });

    // Tracing adds xray:PutTraceSegments/PutTelemetryRecords to the role's default policy.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray PutTraceSegments/PutTelemetryRecords statement that active tracing adds uses "*": X-Ray does not support resource-level permissions.',
    });
  }
}
