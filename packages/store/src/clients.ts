import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where the SDK clients connect: AWS by default, or local emulators when endpoints are given. */
export interface ClientEndpoints {
  /** DynamoDB endpoint, e.g. DynamoDB Local at `http://127.0.0.1:8000`. */
  readonly dynamodb?: string;
  /** S3 endpoint, e.g. s3rver at `http://127.0.0.1:4569`. */
  readonly s3?: string;
  /** Step Functions endpoint, e.g. the local platform's emulated API. */
  readonly sfn?: string;
  readonly region?: string;
}

/**
 * How every client meets a transient fault (reset, throttling, 5xx) before the task sees
 * it: the SDK's standard retry mode (exponential back-off with full jitter, a retry quota
 * against retry storms, longer waits on throttling) with one attempt more than its default,
 * a connection that must come up within 5 s and a socket idle for 2 minutes counted as broken
 * (long enough for a paused stream of a big upload).
 * What still fails surfaces as a `TransientError` the workflow retries later.
 */
export const SDK_FAULT_SETTINGS = {
  retryMode: 'standard',
  maxAttempts: 4,
  requestHandler: { connectionTimeout: 5_000, socketTimeout: 120_000 },
} as const;

/** A DynamoDB document client that drops `undefined` attributes (optional fields stay absent). */
export function createDocumentClient(endpoints: ClientEndpoints = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...SDK_FAULT_SETTINGS,
    ...(endpoints.region ? { region: endpoints.region } : {}),
    ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
  });
  return documentClientOf(client);
}

/** The document client the repositories expect, over a given DynamoDB client. */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * An S3 client. Against a local endpoint (s3rver) it uses path-style addressing and only
 * the checksums S3 requires: s3rver stores streamed bodies corrupted and presigned URLs pin
 * an empty CRC32 otherwise.
 */
export function createS3Client(endpoints: ClientEndpoints = {}): S3Client {
  return new S3Client({
    ...SDK_FAULT_SETTINGS,
    ...(endpoints.region ? { region: endpoints.region } : {}),
    ...(endpoints.s3
      ? {
          endpoint: endpoints.s3,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
}

/** A Step Functions client (the local platform serves the subset of the API the platform uses). */
export function createSfnClient(endpoints: ClientEndpoints = {}): SFNClient {
  return new SFNClient({
    ...SDK_FAULT_SETTINGS,
    ...(endpoints.region ? { region: endpoints.region } : {}),
    ...(endpoints.sfn ? { endpoint: endpoints.sfn } : {}),
  });
}
