import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Item } from './items.js';

/**
 * BatchGetItem and BatchWriteItem with the retry DynamoDB asks for: under load a batch comes
 * back with part of its keys (`UnprocessedKeys`) or writes (`UnprocessedItems`) left over,
 * which are sent again after a jittered exponential back-off ("full jitter": a random wait up
 * to `base × 2^attempt`, capped), so that many callers retrying at once spread out.
 */

/** How unprocessed parts of a batch are retried. */
export interface BatchRetry {
  /** Requests per batch at most, the first included; then {@link UnprocessedBatchError}. */
  readonly maxAttempts: number;
  /** Upper bound of the first back-off, in milliseconds; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Upper bound of any back-off, in milliseconds. */
  readonly maxDelayMs: number;
  /** A number in [0, 1) (`Math.random` by default; tests pass their own). */
  readonly random?: () => number;
  /** Waits `ms` milliseconds (a timer by default; tests pass their own). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The one retry policy of every batch call of the store. */
export const BATCH_RETRY: BatchRetry = { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 2_000 };

/** DynamoDB's own limits per request. */
const GET_CHUNK = 100;
const WRITE_CHUNK = 25;
/** BatchGetItem requests in flight at once. */
const GETS_IN_FLIGHT = 4;

/** DynamoDB kept returning part of a batch unprocessed until the attempts ran out. */
export class UnprocessedBatchError extends Error {
  constructor(
    readonly operation: 'BatchGetItem' | 'BatchWriteItem' | 'TransactWriteItems',
    readonly remaining: number,
  ) {
    super(`${operation}: ${remaining} request(s) still unprocessed after the last attempt`);
    this.name = 'UnprocessedBatchError';
  }
}

/** The back-off before attempt `attempt` (1 = the first retry): uniform in [0, min(cap, base × 2^attempt)). */
export function backoffDelay(attempt: number, retry: BatchRetry = BATCH_RETRY): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return Math.floor((retry.random ?? Math.random)() * ceiling);
}

const timer = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Send `request` and then whatever it leaves unprocessed, backing off between attempts.
 * `send` returns the part left over (empty when done).
 */
async function untilProcessed<R>(
  operation: UnprocessedBatchError['operation'],
  request: R[],
  send: (request: R[]) => Promise<R[]>,
  retry: BatchRetry,
): Promise<void> {
  let pending = request;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= retry.maxAttempts) throw new UnprocessedBatchError(operation, pending.length);
    if (attempt > 0) await (retry.sleep ?? timer)(backoffDelay(attempt, retry));
    pending = await send(pending);
  }
}

/**
 * Every item of `keys` that exists (in no particular order), read 100 keys per request;
 * `consistent` reads what the latest successful write left (twice the read units), as a
 * writer that lost a condition needs to, or it may read the same stale item again.
 */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Item[],
  retry: BatchRetry = BATCH_RETRY,
  { consistent = false }: { readonly consistent?: boolean } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  const chunks: Item[][] = [];
  for (let i = 0; i < keys.length; i += GET_CHUNK) chunks.push(keys.slice(i, i + GET_CHUNK));
  // A few requests in flight: reading a county's leads by id is latency-bound, not capacity-bound.
  for (let i = 0; i < chunks.length; i += GETS_IN_FLIGHT)
    await Promise.all(
      chunks.slice(i, i + GETS_IN_FLIGHT).map((chunk) =>
        untilProcessed(
          'BatchGetItem',
          chunk,
          async (Keys) => {
            const out = await doc.send(
              new BatchGetCommand({
                RequestItems: { [tableName]: { Keys, ...(consistent ? { ConsistentRead: true } : {}) } },
              }),
            );
            found.push(...((out.Responses?.[tableName] ?? []) as Item[]));
            return (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
          },
          retry,
        ),
      ),
    );
  return found;
}

/** One write of a batch: put an item, or delete the item of a key. */
export type BatchWrite = { readonly put: Item } | { readonly delete: Item };

/**
 * Unconditional puts and deletes, 25 per request. A batch has no conditions and is not a
 * transaction: use it only where each write stands on its own.
 */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  tableName: string,
  writes: readonly BatchWrite[],
  retry: BatchRetry = BATCH_RETRY,
): Promise<void> {
  type Request = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };
  const requests: Request[] = writes.map((w) =>
    'put' in w ? { PutRequest: { Item: w.put } } : { DeleteRequest: { Key: w.delete } },
  );
  for (let i = 0; i < requests.length; i += WRITE_CHUNK) {
    await untilProcessed(
      'BatchWriteItem',
      requests.slice(i, i + WRITE_CHUNK),
      async (chunk) => {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunk } }));
        return (out.UnprocessedItems?.[tableName] ?? []) as Request[];
      },
      retry,
    );
  }
}

/** One action of a transaction, as TransactWriteItems takes it. */
export type TransactAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** At most this many actions per transaction (DynamoDB's limit). */
export const TRANSACT_LIMIT = 100;

/** Cancellation reasons that pass on their own: another transaction held an item, or throttling. */
const PASSING = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/**
 * Send one transaction (at most {@link TRANSACT_LIMIT} actions). When DynamoDB cancels it only
 * because a concurrent transaction touched one of its items (or throttled it), it is sent
 * again after the same jittered back-off as a batch. Returns the indexes of the actions whose
 * condition failed: then nothing was written, and the caller decides what to resend.
 */
export async function transactWrite(
  doc: DynamoDBDocumentClient,
  actions: readonly TransactAction[],
  retry: BatchRetry = BATCH_RETRY,
): Promise<number[]> {
  for (let attempt = 0; ; attempt++) {
    if (attempt >= retry.maxAttempts) throw new UnprocessedBatchError('TransactWriteItems', actions.length);
    if (attempt > 0) await (retry.sleep ?? timer)(backoffDelay(attempt, retry));
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: [...actions] }));
      return [];
    } catch (error) {
      const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
      if (e?.name === 'TransactionConflictException') continue;
      if (e?.name !== 'TransactionCanceledException') throw error;
      const reasons = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      const failed = reasons.flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length > 0) return failed;
      if (!reasons.some((code) => PASSING.has(code))) throw error;
    }
  }
}
