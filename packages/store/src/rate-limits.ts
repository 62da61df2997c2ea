import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimitStore } from '@jiandu/domain/rate-limit';
import { keys } from './keys.js';

/**
 * Rate-limit counters and single-use claims in the single table, shared by every API
 * instance. Items expire with DynamoDB's TTL (`expiresAt`, epoch seconds); since TTL deletes
 * late, a counter's window is part of its key and a claim checks its own expiry.
 */
export class DynamoRateLimitStore implements RateLimitStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(key: string, expiresAtMs: number): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rateLimit(key),
        UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':expires': Math.ceil(expiresAtMs / 1000) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.count ?? 1);
  }

  async claimOnce(key: string, expiresAtMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.rateLimit(key), expiresAt: Math.ceil(expiresAtMs / 1000) },
          // A claim whose TTL passed but wasn't deleted yet may be taken again.
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error)?.name === 'ConditionalCheckFailedException'
      )
        return false;
      throw error;
    }
  }
}
