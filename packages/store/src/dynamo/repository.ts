import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Condition,
  type Filter,
  type IndexRange,
  type Item,
  isConditionFailure,
  partitionQuery,
  queryAll,
  strip,
  withFilter,
} from './items.js';

/**
 * What every DynamoDB repository of the platform is: the document client and the one
 * table, and the reads and writes they all make. Each aggregate's class adds its own keys
 * (`keys.ts`) and conditions.
 */
export abstract class TableRepository {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** The domain object stored under `key` (in this table, or `table`), if any. */
  protected async getItem<T>(key: Item, table = this.tableName): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: table, Key: key }));
    return out.Item ? strip<T>(out.Item) : undefined;
  }

  /** Put an item; with a condition, only if it holds: `false` when it did not (nothing written). */
  protected async putItem(item: Item, condition?: Condition): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
      return true;
    } catch (error) {
      if (condition && isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Every domain object of an index partition (or a sort-key range of it), in index order. */
  protected async queryAll<T>(range: IndexRange, filter?: Filter): Promise<T[]> {
    const items = await queryAll(this.doc, withFilter(partitionQuery(this.tableName, range), filter));
    return items.map((i) => strip<T>(i));
  }
}
