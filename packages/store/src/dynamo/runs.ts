import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RunRepository } from '@jiandu/domain/ports';
import type { CollisionRun } from '@jiandu/domain/versions';
import { keys } from '../keys.js';
import { partitionQuery, strip } from './items.js';

/** Collision run records. */
export class DynamoRunRepository implements RunRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(run: CollisionRun): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.run(run.runId), ...keys.runIndexes(run), ...run },
      }),
    );
  }

  async get(runId: string): Promise<CollisionRun | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.run(runId) }));
    return out.Item ? strip<CollisionRun>(out.Item) : undefined;
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
