import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { queryPage } from '../src/dynamo/items.js';
import { InvalidCursorError } from '../src/paging.js';

const QUERY: QueryCommandInput = {
  TableName: 'jiandu',
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': 'PK' },
  ExpressionAttributeValues: { ':pk': 'PAY#2023-05' },
};

/** What DynamoDB (and DynamoDB Local) answers a start key that is not one of the query's. */
const refusedStartKey = () =>
  new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'The provided starting key does not match the range key predicate',
  });

/**
 * A client over one partition of keys `k0…k{n-1}`: it pages like DynamoDB and refuses a start
 * key of another partition, as DynamoDB does.
 */
function partitionClient(n: number) {
  const keys = Array.from({ length: n }, (_, i) => ({ PK: 'PAY#2023-05', SK: `k${i}` }));
  const client = {
    async send(command: { input: QueryCommandInput }) {
      const { ExclusiveStartKey: start, Limit: limit = n } = command.input;
      if (start && start.PK !== 'PAY#2023-05') throw refusedStartKey();
      const from = start ? keys.findIndex((k) => k.SK === start.SK) + 1 : 0;
      const items = keys.slice(from, from + limit);
      const last = items.at(-1);
      return { Items: items, ...(from + limit < n && last ? { LastEvaluatedKey: last } : {}) };
    },
  };
  return client as unknown as DynamoDBDocumentClient;
}

const cursorOf = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('queryPage', () => {
  it('resumes where the cursor it handed out left off', async () => {
    const doc = partitionClient(5);
    const first = await queryPage(doc, QUERY, 2, undefined, true);
    expect(first.items.map((i) => i.SK)).toEqual(['k0', 'k1']);
    const second = await queryPage(doc, QUERY, 2, first.cursor, true);
    expect(second.items.map((i) => i.SK)).toEqual(['k2', 'k3']);
  });

  it("refuses a cursor of another query (another month's page) as an invalid cursor, not an internal error", async () => {
    const doc = partitionClient(5);
    const otherMonth = cursorOf({ PK: 'PAY#2023-01', SK: 'k1' });
    const refused = queryPage(doc, QUERY, 2, otherMonth, true);
    await expect(refused).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(refused).rejects.toThrow('翻页游标（cursor）无效：请使用上一页返回的 nextCursor');
  });

  it('leaves a refusal of its own query alone when no cursor was sent', async () => {
    const doc = {
      send: async () => {
        throw refusedStartKey();
      },
    } as unknown as DynamoDBDocumentClient;
    await expect(queryPage(doc, QUERY, 2, undefined)).rejects.toBeInstanceOf(DynamoDBServiceException);
  });
});
