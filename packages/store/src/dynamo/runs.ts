import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RunRepository } from '@jiandu/domain/ports';
import type { CollisionRun } from '@jiandu/domain/versions';
import { keys } from '../keys.js';
import { partitionQuery, strip } from './items.js';
import { TableRepository } from './repository.js';

/** Collision run records. */
export class DynamoRunRepository extends TableRepository implements RunRepository {
  async save(run: CollisionRun): Promise<void> {
    await this.putItem({ ...keys.run(run.runId), ...keys.runIndexes(run), ...run });
  }

  get(runId: string): Promise<CollisionRun | undefined> {
    return this.getItem(keys.run(runId));
  }

  async list(limit: number): Promise<CollisionRun[]> {
    const out = await this.doc.send(
      new QueryCommand({
        ...partitionQuery(this.tableName, keys.allRuns()),
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => strip<CollisionRun>(i));
  }
}
