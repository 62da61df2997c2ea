import { randomUUID } from 'node:crypto';
import type { CollisionRequestEvent } from '@jiandu/pipeline/contracts';

/**
 * The EventBridge events that start the collision workflow, built exactly as AWS delivers
 * them to a Step Functions target. The canonical samples live in `events/*.json`; tests
 * check that what this module builds has the same shape.
 */

/** The account id the local platform pretends to run in (the one LocalStack & co. use too). */
export const LOCAL_ACCOUNT = '000000000000';
/** The region every local client and event uses. */
export const LOCAL_REGION = 'us-east-1';

/** What made S3 create the object, as EventBridge reports it in `detail.reason`. */
export type ObjectCreatedReason = 'PutObject' | 'CopyObject' | 'PostObject' | 'CompleteMultipartUpload';

/** `Object Created` from an S3 bucket with EventBridge notifications on. */
export interface S3ObjectCreatedEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Object Created';
  readonly source: 'aws.s3';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: {
    readonly version: '0';
    readonly bucket: { readonly name: string };
    readonly object: {
      readonly key: string;
      readonly size: number;
      readonly etag: string;
      readonly sequencer: string;
    };
    readonly 'request-id': string;
    readonly requester: string;
    readonly 'source-ip-address': string;
    readonly reason: ObjectCreatedReason;
  };
}

/** A `Scheduled Event` from an EventBridge schedule rule. */
export interface ScheduledEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Scheduled Event';
  readonly source: 'aws.events';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, never>;
}

/** Any event the workflow accepts as its execution input. */
export type WorkflowEvent = S3ObjectCreatedEvent | ScheduledEvent | CollisionRequestEvent;

/** EventBridge's `time` format: ISO 8601 in UTC with whole seconds (`2018-08-01T02:15:00Z`). */
export function eventBridgeTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Parameters of {@link objectCreatedEvent}; everything AWS fills in itself is optional. */
export interface ObjectCreatedParams {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly sequencer?: string;
  readonly time?: Date;
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly reason?: ObjectCreatedReason;
}

/** Build an S3 `Object Created` EventBridge event. */
export function objectCreatedEvent(params: ObjectCreatedParams): S3ObjectCreatedEvent {
  const time = params.time ?? new Date();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: eventBridgeTime(time),
    region: LOCAL_REGION,
    resources: [`arn:aws:s3:::${params.bucket}`],
    detail: {
      version: '0',
      bucket: { name: params.bucket },
      object: {
        key: params.key,
        size: params.size,
        // EventBridge reports the ETag without the quotes S3 puts around it in headers.
        etag: params.etag.replace(/"/g, ''),
        sequencer: params.sequencer ?? time.getTime().toString(16).toUpperCase().padStart(18, '0'),
      },
      'request-id': params.requestId ?? randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      requester: LOCAL_ACCOUNT,
      'source-ip-address': params.sourceIp ?? '127.0.0.1',
      reason: params.reason ?? 'PutObject',
    },
  };
}

/** Build the `Scheduled Event` an EventBridge rule named `ruleName` emits. */
export function scheduledEvent(ruleName: string, time: Date = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: eventBridgeTime(time),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${ruleName}`],
    detail: {},
  };
}

/**
 * The parts of an S3 event-notification record (what s3rver emits, the same shape S3 sends
 * to SQS/SNS/Lambda) that the bridge needs.
 */
export interface S3NotificationRecord {
  readonly eventName: string;
  readonly eventTime: string;
  readonly requestParameters?: { readonly sourceIPAddress?: string };
  readonly responseElements?: { readonly 'x-amz-request-id'?: string };
  readonly s3: {
    readonly bucket: { readonly name: string };
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly eTag?: string;
      readonly sequencer?: string;
    };
  };
}

const REASONS: Readonly<Record<string, ObjectCreatedReason>> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:Post': 'PostObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
};

/** The EventBridge `reason` for a notification's `eventName`, or undefined when it isn't an ObjectCreated one. */
export function objectCreatedReason(eventName: string): ObjectCreatedReason | undefined {
  return REASONS[eventName];
}

/**
 * Convert an S3 notification record to the EventBridge event S3 would publish for the same
 * change. The key is passed on as stored, as EventBridge carries it: S3's SQS/SNS/Lambda
 * notifications URL-encode keys (`红 旗.csv` → `%E7%BA%A2+%E6%97%97.csv`), EventBridge
 * events don't, and neither do s3rver's records. Returns undefined for anything but ObjectCreated. `size`/`etag` must be known:
 * pass `fallback` values when the record lacks them (s3rver omits the ETag on copies).
 */
export function objectCreatedFromRecord(
  record: S3NotificationRecord,
  fallback: { readonly size?: number; readonly etag?: string } = {},
): S3ObjectCreatedEvent | undefined {
  const reason = objectCreatedReason(record.eventName);
  if (!reason) return undefined;
  const { object } = record.s3;
  const time = new Date(record.eventTime);
  const sourceIp = record.requestParameters?.sourceIPAddress?.replace(/^::ffff:/, '');
  const requestId = record.responseElements?.['x-amz-request-id'];
  return objectCreatedEvent({
    bucket: record.s3.bucket.name,
    key: object.key,
    size: object.size ?? fallback.size ?? 0,
    etag: object.eTag ?? fallback.etag ?? '',
    ...(object.sequencer ? { sequencer: object.sequencer } : {}),
    time: Number.isNaN(time.getTime()) ? new Date() : time,
    ...(requestId ? { requestId } : {}),
    ...(sourceIp ? { sourceIp } : {}),
    reason,
  });
}

/** A one-line description of an event for logs and execution records (no row data, just where it came from). */
export function describeEvent(event: WorkflowEvent): string {
  if (event.source === 'aws.s3')
    return `Object Created s3://${event.detail.bucket.name}/${event.detail.object.key}`;
  if (event.source === 'jiandu.platform') return event['detail-type'];
  const rule = event.resources[0]?.split('/').pop() ?? 'unknown';
  return `Scheduled Event ${rule}`;
}
