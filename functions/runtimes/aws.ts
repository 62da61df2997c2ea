/**
 * The variables and clients the functions share. A function spreads into its environment
 * schema only the groups it uses, and creates only the clients it needs: the shard matcher
 * never loads the DynamoDB or Step Functions SDK.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  createDocumentClient,
  createS3Client,
  createSfnClient,
  loadPlatformKeys,
  S3ObjectStore,
} from '@jiandu/store';
import * as z from 'zod';
import { required, url } from './env.js';

/** Powertools settings every function gets from `JianduFunction`. */
export const LOGGING = {
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('jiandu'),
  LOG_LEVEL: z
    .string()
    .default('INFO')
    .transform((level) => level.toUpperCase())
    .pipe(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR'])),
};

/** The single table (`grantAccess(…, 'table:readWrite')` sets it). */
export const TABLE = { TABLE_NAME: required() };
/** The audit log's own table (`grantAccess(…, 'auditTable:append')` sets it). */
export const AUDIT_TABLE = { AUDIT_TABLE_NAME: required() };
/** The upload bucket (raw files, evidence). */
export const UPLOAD_BUCKET = { UPLOAD_BUCKET: required() };
/** The data bucket (shards, rejects, manifests, findings). */
export const DATA_BUCKET = { DATA_BUCKET: required() };
/** The collision workflow, for functions that start runs. */
export const STATE_MACHINE = { STATE_MACHINE_ARN: required().startsWith('arn:', '必须是 ARN') };

/**
 * Region and emulator endpoints: set by the Lambda runtime (region) or only when running
 * against local emulators (DynamoDB Local, s3rver, the local Step Functions API).
 */
const REGION = { AWS_REGION: z.string().min(1).optional() };
export const DYNAMODB = { ...REGION, AWS_ENDPOINT_URL_DYNAMODB: url().optional() };
export const S3 = { ...REGION, AWS_ENDPOINT_URL_S3: url().optional() };
export const SFN = { ...REGION, AWS_ENDPOINT_URL_SFN: url().optional() };

type Logging = { POWERTOOLS_SERVICE_NAME: string; LOG_LEVEL: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' };

/** The function's structured JSON logger. */
export function createLogger(env: Logging): Logger {
  return new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME, logLevel: env.LOG_LEVEL });
}

/** DynamoDB document client (`removeUndefinedValues`), at the emulator when one is named. */
export function documentClient(env: { AWS_REGION?: string; AWS_ENDPOINT_URL_DYNAMODB?: string }) {
  return createDocumentClient({ region: env.AWS_REGION, dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB });
}

/** S3 client, path-style against s3rver when an endpoint is named. */
export function s3Client(env: { AWS_REGION?: string; AWS_ENDPOINT_URL_S3?: string }) {
  return createS3Client({ region: env.AWS_REGION, s3: env.AWS_ENDPOINT_URL_S3 });
}

/** Step Functions client. */
export function sfnClient(env: { AWS_REGION?: string; AWS_ENDPOINT_URL_SFN?: string }) {
  return createSfnClient({ region: env.AWS_REGION, sfn: env.AWS_ENDPOINT_URL_SFN });
}

/** The functions' clock: the current time as an ISO string. */
export const now = (): string => new Date().toISOString();

/** Variables of a workflow task that works on the table and the data bucket. */
export const TASK_STORE = { ...LOGGING, ...DYNAMODB, ...S3, ...TABLE, ...DATA_BUCKET };

/**
 * What those tasks share: the document client (for the repositories each task picks), the
 * object store, the data bucket, the logger and the clock.
 */
export function createTaskStore(env: z.infer<z.ZodObject<typeof TASK_STORE>>) {
  return {
    doc: documentClient(env),
    objects: new S3ObjectStore(s3Client(env)),
    buckets: { data: env.DATA_BUCKET },
    log: createLogger(env),
    now,
  };
}

/**
 * The platform's master secret (keyed lead ids, receipts, audit hashes): a Secrets Manager
 * secret in AWS (`grantPlatformSecret` sets the ARN with the read grant), or a file the local
 * platform generates once under its data folder.
 */
export const PLATFORM_SECRET = {
  PLATFORM_SECRET_ARN: z.string().startsWith('arn:', '必须是 ARN').optional(),
  PLATFORM_SECRET_FILE: z.string().min(1, '不能为空').optional(),
};

/** Read the master secret named by the environment and derive the platform's keys (once per container). */
export function platformKeys(env: { PLATFORM_SECRET_ARN?: string; PLATFORM_SECRET_FILE?: string }) {
  if (env.PLATFORM_SECRET_ARN) return loadPlatformKeys({ secretArn: env.PLATFORM_SECRET_ARN });
  if (env.PLATFORM_SECRET_FILE) return loadPlatformKeys({ file: env.PLATFORM_SECRET_FILE });
  throw new Error('PLATFORM_SECRET_ARN（本地为 PLATFORM_SECRET_FILE）未设置');
}
