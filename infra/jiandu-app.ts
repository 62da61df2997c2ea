import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './stacks/api-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { PipelineStack } from './stacks/pipeline-stack.js';
import { WebStack } from './stacks/web-stack.js';

/**
 * Feature flags and settings the app relies on. `cdk.json` and `--context` win over these;
 * they are here so that tests and the CLI build the same templates.
 */
export const DEFAULT_CONTEXT: Readonly<Record<string, unknown>> = {
  // Log delivery to the access-log bucket through a bucket policy, not the legacy ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // Pipeline and API import the data stack's exports; the retained data stack must not be
  // removable while they depend on it.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

/** The jiandu app and its four stacks. */
export interface JianduApp {
  readonly app: App;
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
  readonly api: ApiStack;
  /** The web pages behind CloudFront, with the API under `/api/`. */
  readonly web: WebStack;
  /** The cdk-nag pack registered on the app (tests run it directly with `validateScope`). */
  readonly nag: AwsSolutionsChecks;
}

/** Options of {@link buildJianduApp}. */
export interface BuildJianduAppOptions {
  /** Extra context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling in tests. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Cloud assembly directory. @default CDK's default (`cdk.out` under the CLI, a temp dir otherwise) */
  readonly outdir?: string;
}

/**
 * Build the app: `Jiandu-Data` → `Jiandu-Pipeline` and `Jiandu-Api` → `Jiandu-Web` (cross-stack references
 * through props), environment-agnostic so `cdk synth` needs no AWS account or network, with
 * cdk-nag's AwsSolutions pack validating the whole tree at synthesis.
 */
export function buildJianduApp(options: BuildJianduAppOptions = {}): JianduApp {
  const props: AppProps = {
    context: { ...DEFAULT_CONTEXT, ...options.context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  };
  const app = new App(props);
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);

  const description = (what: string) => `jiandu (监督) ${what}`;
  const data = new DataStack(app, 'Jiandu-Data', { description: description('data: table and buckets') });
  const shared = { table: data.table, uploadBucket: data.uploadBucket, dataBucket: data.dataBucket };
  const pipeline = new PipelineStack(app, 'Jiandu-Pipeline', {
    ...shared,
    platformSecret: data.platformSecret,
    description: description('collision pipeline: functions, state machine, triggers'),
  });
  const api = new ApiStack(app, 'Jiandu-Api', {
    ...shared,
    platformSecret: data.platformSecret,
    auditTable: data.store.auditTable,
    stateMachine: pipeline.workflow.stateMachine,
    description: description('inspector HTTP API'),
  });
  const web = new WebStack(app, 'Jiandu-Web', {
    api: api.api.httpApi,
    description: description('web pages: villagers’ page and staff dashboard on CloudFront'),
  });
  return { app, data, pipeline, api, web, nag };
}
