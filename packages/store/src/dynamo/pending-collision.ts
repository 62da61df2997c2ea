import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PendingCollision, PendingCollisionRepository } from '@jiandu/domain/collision-burst';
import { RECEIVING_STALE_SECONDS } from '@jiandu/domain/collision-burst';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { keys } from '../keys.js';
import { type Item, isConditionFailure, strip } from './items.js';
import { TableRepository } from './repository.js';

/** The item as stored: `kinds` is a DynamoDB string set, so concurrent marks merge with `ADD`. */
function fromItem(item: Item): PendingCollision {
  const stored = strip<Omit<PendingCollision, 'kinds'> & { kinds?: Set<string> }>(item);
  return { ...stored, kinds: [...(stored.kinds ?? [])].sort() as DatasetKind[] };
}

/**
 * The pending collision as one item. A mark is one `UpdateItem` (`ADD` to a string set and to
 * the revision), so marks from concurrent Normalize tasks never lose a kind; a claim is a
 * `DeleteItem` conditioned on the revision the starter read. Uploads being read are items of
 * their own in the same partition (`RECEIVING#…`, expiring by TTL), so one query reads both.
 */
export class DynamoPendingCollisions extends TableRepository implements PendingCollisionRepository {
  async mark(kinds: readonly DatasetKind[], at: string): Promise<PendingCollision> {
    if (kinds.length === 0) throw new Error('A pending collision needs at least one kind');
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.pendingCollision(),
        UpdateExpression:
          'ADD kinds :kinds, revision :one SET lastMarkedAt = :at, firstMarkedAt = if_not_exists(firstMarkedAt, :at)',
        ExpressionAttributeValues: { ':kinds': new Set(kinds), ':one': 1, ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(out.Attributes ?? {});
  }

  async get(): Promise<PendingCollision | undefined> {
    const { PK, SK } = keys.pendingCollision();
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ConsistentRead: true,
      }),
    );
    const items = (out.Items ?? []) as Item[];
    const item = items.find((i) => i.SK === SK);
    if (!item) return undefined;
    const receivingSince = items
      .filter((i) => i.SK !== SK)
      .map((i) => String(i.since))
      .sort();
    return { ...fromItem(item), ...(receivingSince.length > 0 ? { receivingSince } : {}) };
  }

  async receiving(upload: string, at: string): Promise<void> {
    const expiresAt = Math.floor(Date.parse(at) / 1000) + RECEIVING_STALE_SECONDS;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.pendingReceiving(upload), since: at, expiresAt },
      }),
    );
  }

  async received(upload: string, at: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.pendingReceiving(upload) }));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.pendingCollision(),
          UpdateExpression: 'ADD revision :one SET lastMarkedAt = :at',
          // Only a pending collision's quiet period restarts; nothing pending, nothing to create.
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':one': 1, ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async claim(revision: number): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.pendingCollision(),
          ConditionExpression: 'revision = :revision',
          ExpressionAttributeValues: { ':revision': revision },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
