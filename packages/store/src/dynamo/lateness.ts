import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LatenessRecord } from '@jiandu/domain/datasets/progress';
import type { LatenessRepository } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { batchWrite } from './batch.js';
import { partitionQuery, queryAll, strip } from './items.js';

/** Lateness records of the data-entry check. */
export class DynamoLatenessRepository implements LatenessRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(): Promise<LatenessRecord[]> {
    const items = await queryAll(this.doc, partitionQuery(this.tableName, keys.allLateness()));
    return items.map((i) => strip<LatenessRecord>(i));
  }

  async saveAll(records: readonly LatenessRecord[]): Promise<void> {
    // One item per department, kind and due date; a batch may not name a key twice, so the
    // last record of a key wins, as it would with one put after another.
    const byKey = new Map(records.map((r) => [JSON.stringify(keys.lateness(r)), r]));
    await batchWrite(
      this.doc,
      this.tableName,
      [...byKey.values()].map((r) => ({ put: { ...keys.lateness(r), ...keys.latenessIndexes(r), ...r } })),
    );
  }
}
