import type { Logger } from '@aws-lambda-powertools/logger';
import { createApp, jwtAuthenticator } from '@jiandu/api';
import { resolveCadenceConfig } from '@jiandu/domain/datasets/cadence';
import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import { DEFAULT_MIN_SCORE } from '@jiandu/domain/leads/query';
import { resolveReportDeadlines } from '@jiandu/domain/reports/config';
import { divisionIndexFor } from '@jiandu/pipeline/divisions';
import {
  DynamoAuditLog,
  DynamoColumnMappingRepository,
  DynamoCorrectionTaskRepository,
  DynamoDisclosureStore,
  DynamoLatenessRepository,
  DynamoLeadRepository,
  DynamoPendingCollisions,
  DynamoRateLimitStore,
  DynamoReportRepository,
  DynamoRunRepository,
  DynamoVersionRepository,
  readSecretString,
  S3ObjectStore,
  S3UploadUrlSigner,
  StepFunctionsCollisionStarter,
  StepFunctionsExecutions,
} from '@jiandu/store';
import { CognitoStaffDirectory, StaticStaffDirectory } from '@jiandu/store/staff';
import * as z from 'zod';
import {
  AUDIT_TABLE,
  createLogger,
  DATA_BUCKET,
  DYNAMODB,
  documentClient,
  LOGGING,
  PLATFORM_SECRET,
  platformKeys,
  S3,
  SFN,
  STATE_MACHINE,
  s3Client,
  sfnClient,
  TABLE,
  UPLOAD_BUCKET,
} from './aws.js';
import { type Environment, jsonSetting, parseEnvironment, required, url } from './env.js';

/** The API uses the table, both buckets and the workflow, and verifies staff ID tokens. */
export const ApiEnv = z.object({
  ...LOGGING,
  ...DYNAMODB,
  ...S3,
  ...SFN,
  ...TABLE,
  ...AUDIT_TABLE,
  ...UPLOAD_BUCKET,
  ...DATA_BUCKET,
  ...STATE_MACHINE,
  ...PLATFORM_SECRET,
  /**
   * The CDN's token (Secrets Manager) when CloudFront fronts the API: requests carrying it
   * name the viewer's address, which per-client limits count. Unset: the gateway's source address.
   */
  EDGE_SECRET_ARN: z.string().startsWith('arn:', '必须是 ARN').optional(),
  /** Expected `iss` of ID tokens: the Cognito user pool's issuer URL, or the local issuer's. */
  JWT_ISSUER: url(),
  /** Expected `aud`: the app client id. */
  JWT_AUDIENCE: required(),
  /** Where the issuer publishes its signing keys. */
  JWKS_URL: url(),
  /** Staff accounts (who a lead may be assigned to): the Cognito user pool in AWS … */
  USER_POOL_ID: z.string().min(1, '不能为空').optional(),
  /** … or, on the local platform, a JSON file of the local issuer's users. */
  STAFF_DIRECTORY_FILE: z.string().min(1, '不能为空').optional(),
  /** The default lead list hides scores below this (`?minScore=0` shows all). */
  LEAD_LIST_MIN_SCORE: z.coerce.number().int().min(0).max(100).default(DEFAULT_MIN_SCORE),
  /** JSON overrides of the expected upload cadence per kind (`resolveCadenceConfig`). */
  CADENCE_CONFIG: jsonSetting(resolveCadenceConfig),
  /** JSON overrides of report deadlines (acknowledge 3 days, conclude 30). */
  REPORT_DEADLINES: jsonSetting(resolveReportDeadlines),
  /** JSON per-program publication of payments (publish or not, months back). */
  DISCLOSURE_CONFIG: jsonSetting(resolveDisclosureConfig),
});

/** The staff directory the environment names: the user pool in AWS, the issuer's users locally. */
function staffDirectory(env: { USER_POOL_ID?: string; STAFF_DIRECTORY_FILE?: string; AWS_REGION?: string }) {
  if (env.USER_POOL_ID)
    return new CognitoStaffDirectory(env.USER_POOL_ID, env.AWS_REGION ? { region: env.AWS_REGION } : {});
  if (env.STAFF_DIRECTORY_FILE) return StaticStaffDirectory.fromFile(env.STAFF_DIRECTORY_FILE);
  throw new Error('USER_POOL_ID（本地为 STAFF_DIRECTORY_FILE）未设置');
}

/**
 * Build the API app (hono), shared by the Lambda entry and the local platform's node server.
 * Async because the platform's keys (keyed lead ids, receipts, audit hashes) are read first.
 */
export async function createRuntime(environment: Environment) {
  const env = parseEnvironment('Api', ApiEnv, environment);
  const keys = await platformKeys(env);
  const edge = env.EDGE_SECRET_ARN
    ? { token: await readSecretString({ secretArn: env.EDGE_SECRET_ARN }) }
    : undefined;
  const doc = documentClient(env);
  const s3 = s3Client(env);
  const logger: Logger = createLogger(env);
  const objects = new S3ObjectStore(s3);
  const versions = new DynamoVersionRepository(doc, env.TABLE_NAME);
  const buckets = { upload: env.UPLOAD_BUCKET, data: env.DATA_BUCKET };
  const sfn = sfnClient(env);
  const divisions = () => divisionIndexFor({ versions, objects, buckets, log: logger });
  const limits = new DynamoRateLimitStore(doc, env.TABLE_NAME);
  const app = createApp({
    ...(edge ? { edge } : {}),
    leads: new DynamoLeadRepository(doc, env.TABLE_NAME),
    versions,
    runs: new DynamoRunRepository(doc, env.TABLE_NAME),
    pendingCollisions: new DynamoPendingCollisions(doc, env.TABLE_NAME),
    collisions: new StepFunctionsCollisionStarter(sfn, env.STATE_MACHINE_ARN),
    executions: new StepFunctionsExecutions(sfn, env.STATE_MACHINE_ARN),
    datasets: {
      objects,
      buckets,
      uploadUrls: new S3UploadUrlSigner(s3, env.UPLOAD_BUCKET),
      lateness: new DynamoLatenessRepository(doc, env.TABLE_NAME),
      cadence: env.CADENCE_CONFIG,
      columnMappings: new DynamoColumnMappingRepository(doc, env.TABLE_NAME),
    },
    workflow: {
      // Entries from before the audit table existed are still read from the platform table.
      audit: new DynamoAuditLog(doc, env.AUDIT_TABLE_NAME, env.TABLE_NAME),
      corrections: new DynamoCorrectionTaskRepository(doc, env.TABLE_NAME),
      minScore: env.LEAD_LIST_MIN_SCORE,
      auditKey: keys.audit,
      staff: staffDirectory(env),
    },
    // Routing reads the divisions in force (cached per container, rebuilt when they change).
    reports: {
      repository: new DynamoReportRepository(doc, env.TABLE_NAME),
      deadlines: env.REPORT_DEADLINES,
      divisions,
      keys,
      limits,
    },
    disclosure: {
      store: new DynamoDisclosureStore(doc, env.TABLE_NAME),
      config: env.DISCLOSURE_CONFIG,
      keys,
      limits,
      divisions,
    },
    authenticator: jwtAuthenticator({
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      jwksUrl: env.JWKS_URL,
      // The reason code only: never the token, its subject or its claims.
      onRejected: (reason) => logger.info('bearer token rejected', { reason }),
    }),
    logError: (error) => logger.error('unhandled API error', error),
  });
  return { app };
}
