import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { applyDisclosureSettings } from './constructs/disclosure-settings.js';
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

/**
 * The dashboard's origin when no `webOrigin` is given: the Vite dev server of web-staff
 * (`npx vite packages/web-staff`), the one place a first deployment's hosted UI can return to
 * before the distribution's name is known. Deploy again with `-c webOrigin=<WebUrl>`.
 */
export const DEFAULT_WEB_ORIGIN = 'http://localhost:5173';

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
  // Where the dashboard is served (`-c webOrigin=https://…`): the hosted UI's callback and the
  // upload bucket's CORS. A value, because the distribution is created after (and from) the API.
  const webOrigin = String(app.node.tryGetContext('webOrigin') ?? DEFAULT_WEB_ORIGIN).replace(/\/+$/, '');
  const cognitoDomainPrefix = app.node.tryGetContext('cognitoDomainPrefix') as string | undefined;
  const data = new DataStack(app, 'Jiandu-Data', {
    webOrigin,
    description: description('data: table and buckets'),
  });
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
    webOrigin,
    ...(cognitoDomainPrefix ? { cognitoDomainPrefix } : {}),
    description: description('inspector HTTP API'),
  });
  const web = new WebStack(app, 'Jiandu-Web', {
    api: api.api.httpApi,
    hostedUiOrigin: api.identity.domain.baseUrl(),
    uploadOrigin: `https://${data.uploadBucket.bucketRegionalDomainName}`,
    edgeSecret: api.edgeSecret.secret,
    description: description('web pages: villagers’ page and staff dashboard on CloudFront'),
  });
  applyDisclosureSettings(app, [pipeline.workflow.functions.SyncDisclosure, api.api.handler]);
  return { app, data, pipeline, api, web, nag };
}
