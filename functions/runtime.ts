/**
 * What every Lambda (and the local platform, which imports the same handlers) shares:
 * environment validated once at load, SDK clients created once per container, and the
 * storage adapters built on them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { resolveRuleConfig } from '@jiandu/domain';
import { resolveCadenceConfig } from '@jiandu/domain/datasets/cadence';
import type { PlatformKeys } from '@jiandu/domain/keys';
import { resolveReportDeadlines } from '@jiandu/domain/reports/config';
import type { PipelineDeps } from '@jiandu/pipeline';
import {
  createDocumentClient,
  createS3Client,
  createSfnClient,
  DynamoAuditLog,
  DynamoCorrectionTaskRepository,
  DynamoLatenessRepository,
  DynamoLeadRepository,
  DynamoRateLimitStore,
  DynamoReportRepository,
  DynamoRunRepository,
  DynamoVersionRepository,
  loadPlatformKeys,
  S3ObjectStore,
} from '@jiandu/store';
import { z } from 'zod';

const Env = z.object({
  TABLE_NAME: z.string().min(1),
  UPLOAD_BUCKET: z.string().min(1),
  DATA_BUCKET: z.string().min(1),
  /** Set only when running against local emulators (DynamoDB Local, s3rver). */
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_S3: z.url().optional(),
  AWS_ENDPOINT_URL_SFN: z.url().optional(),
  /** JSON overrides of rule thresholds (CONTRACT.md §5 defaults otherwise). */
  RULE_CONFIG: z.string().optional(),
  /** JSON overrides of the expected upload cadence per kind (`resolveCadenceConfig`). */
  CADENCE_CONFIG: z.string().optional(),
  /** JSON overrides of report deadlines (`resolveReportDeadlines`: acknowledge 3 days, conclude 30). */
  REPORT_DEADLINES: z.string().optional(),
  /** The platform's master secret (keyed lead ids, receipts, audit hashes): Secrets Manager in AWS … */
  PLATFORM_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** … or a file generated once under the local platform's data folder. */
  PLATFORM_SECRET_FILE: z.string().min(1).optional(),
});

export const env = Env.parse(process.env);

let keys: Promise<PlatformKeys> | undefined;
/**
 * The platform's keys (`@jiandu/domain/keys`), read once per container from the secret the
 * environment names; only the functions that need them call this (and are granted the read).
 */
export function platformKeys(): Promise<PlatformKeys> {
  if (!keys) {
    const source = env.PLATFORM_SECRET_ARN
      ? { secretArn: env.PLATFORM_SECRET_ARN }
      : env.PLATFORM_SECRET_FILE
        ? { file: env.PLATFORM_SECRET_FILE }
        : undefined;
    if (!source) throw new Error('PLATFORM_SECRET_ARN (or locally PLATFORM_SECRET_FILE) is required');
    keys = loadPlatformKeys(source);
  }
  return keys;
}

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'jiandu' });

const endpoints = {
  ...(env.AWS_ENDPOINT_URL_DYNAMODB ? { dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB } : {}),
  ...(env.AWS_ENDPOINT_URL_S3 ? { s3: env.AWS_ENDPOINT_URL_S3 } : {}),
  ...(env.AWS_ENDPOINT_URL_SFN ? { sfn: env.AWS_ENDPOINT_URL_SFN } : {}),
};
const doc = createDocumentClient(endpoints);
export const s3 = createS3Client(endpoints);
/** Step Functions, for the API's own collision requests (only functions that start runs use it). */
export const sfn = createSfnClient(endpoints);

/** Storage adapters and settings for the workflow's tasks and the API. */
export const deps: PipelineDeps = {
  versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
  leads: new DynamoLeadRepository(doc, env.TABLE_NAME),
  runs: new DynamoRunRepository(doc, env.TABLE_NAME),
  objects: new S3ObjectStore(s3),
  buckets: { upload: env.UPLOAD_BUCKET, data: env.DATA_BUCKET },
  ruleConfig: resolveRuleConfig(env.RULE_CONFIG ? JSON.parse(env.RULE_CONFIG) : undefined),
  log: logger,
  now: () => new Date().toISOString(),
};

/** Expected upload cadence per dataset kind (progress board, lateness check). */
export const cadence = resolveCadenceConfig(env.CADENCE_CONFIG ? JSON.parse(env.CADENCE_CONFIG) : undefined);

/** Lateness records of the data-entry check. */
export const lateness = new DynamoLatenessRepository(doc, env.TABLE_NAME);

/** The append-only audit log of lead reads, exports, personal lookups and workflow changes. */
export const auditLog = new DynamoAuditLog(doc, env.TABLE_NAME);

/** Correction tasks for departments (leads dismissed as 源数据错误). */
export const corrections = new DynamoCorrectionTaskRepository(doc, env.TABLE_NAME);

/** Reports (一键举报) and the deadlines new reports get. */
export const reports = new DynamoReportRepository(doc, env.TABLE_NAME);
/** Rate-limit counters and single-use claims shared by every API instance. */
export const rateLimits = new DynamoRateLimitStore(doc, env.TABLE_NAME);
export const reportDeadlines = resolveReportDeadlines(
  env.REPORT_DEADLINES ? JSON.parse(env.REPORT_DEADLINES) : undefined,
);
