import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  BATCH_RETRY,
  backoffDelay,
  batchGet,
  batchWrite,
  UnprocessedBatchError,
} from '../src/dynamo/batch.js';

type Sent = { name: string; input: { RequestItems: Record<string, unknown> } };

/**
 * A document client that answers batch calls like DynamoDB under load: each request leaves
 * the first `leftOver(call)` of its keys or writes unprocessed.
 */
function throttledClient(leftOver: (call: number) => number) {
  const sent: Sent[] = [];
  const client = {
    async send(command: Sent) {
      const call = sent.length;
      sent.push({ name: command.constructor.name, input: structuredClone(command.input) });
      const [table, request] = Object.entries(command.input.RequestItems)[0] as [string, unknown];
      const n = leftOver(call);
      if (command.constructor.name === 'BatchGetCommand') {
        const keys = (request as { Keys: Record<string, string>[] }).Keys;
        return {
          Responses: { [table]: keys.slice(n).map((k) => ({ ...k, found: true })) },
          ...(n ? { UnprocessedKeys: { [table]: { Keys: keys.slice(0, n) } } } : {}),
        };
      }
      const writes = request as unknown[];
      return n ? { UnprocessedItems: { [table]: writes.slice(0, n) } } : {};
    },
  };
  return { doc: client as unknown as DynamoDBDocumentClient, sent };
}

function recordingRetry(random = () => 0.5) {
  const waits: number[] = [];
  return { waits, retry: { ...BATCH_RETRY, random, sleep: async (ms: number) => void waits.push(ms) } };
}

const keysOf = (n: number) => Array.from({ length: n }, (_, i) => ({ PK: `LEAD#${i}`, SK: 'LEAD' }));

describe('batchGet', () => {
  it('reads 100 keys per request and asks again for what came back unprocessed', async () => {
    // First request of each chunk leaves 30 keys over, the retry gets them all.
    const { doc, sent } = throttledClient((call) => (call % 2 === 0 ? 30 : 0));
    const { retry, waits } = recordingRetry();
    const items = await batchGet(doc, 'table', keysOf(150), retry);
    expect(items.map((i) => i.PK).sort()).toEqual(
      keysOf(150)
        .map((k) => k.PK)
        .sort(),
    );
    const sizes = sent.map((s) => (s.input.RequestItems.table as { Keys: unknown[] }).Keys.length);
    // Chunks are read a few at a time, so the order of requests is not fixed; their sizes are.
    expect(sizes.sort((a, b) => b - a)).toEqual([100, 50, 30, 30]);
    expect(waits).toHaveLength(2);
  });

  it('gives up after the attempt limit, naming how much is left', async () => {
    const { doc, sent } = throttledClient(() => 1);
    const { retry } = recordingRetry();
    await expect(batchGet(doc, 'table', keysOf(3), retry)).rejects.toThrow(UnprocessedBatchError);
    expect(sent).toHaveLength(BATCH_RETRY.maxAttempts);
    await expect(batchGet(doc, 'table', keysOf(3), retry)).rejects.toMatchObject({
      operation: 'BatchGetItem',
      remaining: 1,
    });
  });

  it('reads consistently when asked, and only then', async () => {
    const { doc, sent } = throttledClient(() => 0);
    await batchGet(doc, 'table', keysOf(2), BATCH_RETRY, { consistent: true });
    await batchGet(doc, 'table', keysOf(2));
    expect(
      sent.map((s) => (s.input.RequestItems.table as { ConsistentRead?: boolean }).ConsistentRead),
    ).toEqual([true, undefined]);
  });

  it('sends nothing for no keys', async () => {
    const { doc, sent } = throttledClient(() => 0);
    expect(await batchGet(doc, 'table', [])).toEqual([]);
    expect(sent).toHaveLength(0);
  });
});

describe('batchWrite', () => {
  it('writes 25 per request and retries unprocessed writes until none are left', async () => {
    const { doc, sent } = throttledClient((call) => [5, 2, 0, 0][call] ?? 0);
    const { retry, waits } = recordingRetry();
    await batchWrite(
      doc,
      'table',
      [...keysOf(30).map((k) => ({ put: { ...k, v: 1 } })), { delete: { PK: 'LEAD#x', SK: 'LEAD' } }],
      retry,
    );
    const sizes = sent.map((s) => (s.input.RequestItems.table as unknown[]).length);
    expect(sizes).toEqual([25, 5, 2, 6]);
    expect(sent[0]?.input.RequestItems.table).toContainEqual({
      PutRequest: { Item: { PK: 'LEAD#0', SK: 'LEAD', v: 1 } },
    });
    expect(sent[3]?.input.RequestItems.table).toContainEqual({
      DeleteRequest: { Key: { PK: 'LEAD#x', SK: 'LEAD' } },
    });
    expect(waits).toHaveLength(2);
  });
});

describe('backoffDelay', () => {
  it('waits a random share of an exponentially growing, capped ceiling', () => {
    const at = (attempt: number, r: number) => backoffDelay(attempt, { ...BATCH_RETRY, random: () => r });
    expect(at(1, 0.999)).toBe(99);
    expect(at(3, 0.999)).toBe(399);
    expect(at(3, 0.5)).toBe(200);
    expect(at(3, 0)).toBe(0);
    expect(at(9, 0.999)).toBe(Math.floor(0.999 * BATCH_RETRY.maxDelayMs));
  });
});
