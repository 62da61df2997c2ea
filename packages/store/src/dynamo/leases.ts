import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Lease, LeaseAttempt, LeaseStore } from '@jiandu/domain/leases';
import { keys } from '../keys.js';
import { isConditionFailure } from './items.js';
import { TableRepository } from './repository.js';

/** `owner` is a DynamoDB reserved word. */
const OWNER = { '#owner': 'owner' };

/**
 * Leases as one item each (`keys.lease`): taken with a conditional put (`attribute_not_exists`
 * or expired), renewed and released with conditions on the owner, so a sync that lost its
 * lease never extends or removes the next holder's.
 */
export class DynamoLeases extends TableRepository implements LeaseStore {
  async acquire(name: string, owner: string, now: number, expiresAt: number): Promise<LeaseAttempt> {
    const taken = await this.putItem(
      { ...keys.lease(name), owner, expiresAt, takenAt: new Date(now * 1000).toISOString() },
      {
        ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': now },
      },
    );
    if (taken) return { acquired: true };
    // Who holds it, for the busy error's message: read strongly, right after the refusal.
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.lease(name), ConsistentRead: true }),
    );
    const item = out.Item as Lease | undefined;
    return item
      ? { acquired: false, holder: { owner: item.owner, expiresAt: item.expiresAt } }
      : { acquired: false };
  }

  async renew(name: string, owner: string, expiresAt: number): Promise<boolean> {
    return this.conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.lease(name),
          UpdateExpression: 'SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_exists(PK) AND #owner = :owner',
          ExpressionAttributeNames: OWNER,
          ExpressionAttributeValues: { ':owner': owner, ':expiresAt': expiresAt },
        }),
      ),
    );
  }

  async release(name: string, owner: string): Promise<boolean> {
    return this.conditional(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.lease(name),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: OWNER,
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  /** Send a conditional write: `false` when its condition did not hold. */
  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
