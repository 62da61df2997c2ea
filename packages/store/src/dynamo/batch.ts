import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

/** DynamoDB kept returning part of a batch unprocessed until the attempts ran out. */
export class UnprocessedBatchError extends Error {
  constructor(
    readonly operation: 'BatchGetItem' | 'BatchWriteItem',
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

/** Every item of `keys` that exists (in no particular order), read 100 keys per request. */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Item[],
  retry: BatchRetry = BATCH_RETRY,
): Promise<Item[]> {
  const found: Item[] = [];
  for (let i = 0; i < keys.length; i += GET_CHUNK) {
    await untilProcessed(
      'BatchGetItem',
      keys.slice(i, i + GET_CHUNK),
      async (Keys) => {
        const out = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys } } }));
        found.push(...((out.Responses?.[tableName] ?? []) as Item[]));
        return (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
      },
      retry,
    );
  }
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
