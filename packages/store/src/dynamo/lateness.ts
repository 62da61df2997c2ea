import type { LatenessRecord } from '@jiandu/domain/datasets/progress';
import type { LatenessRepository } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { batchWrite } from './batch.js';
import { TableRepository } from './repository.js';

/** Lateness records of the data-entry check. */
export class DynamoLatenessRepository extends TableRepository implements LatenessRepository {
  list(): Promise<LatenessRecord[]> {
    return this.queryAll(keys.allLateness());
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
