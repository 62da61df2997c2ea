import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ColumnMapping, ColumnMappingRepository } from '@jiandu/domain/datasets/column-mappings';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { KEY_ATTRIBUTES, keys } from './keys.js';

/** Departments' remembered column mappings in DynamoDB: one item per department and kind. */
export class DynamoColumnMappingRepository implements ColumnMappingRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(department: string, kind: DatasetKind): Promise<ColumnMapping | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.columnMapping(department, kind) }),
    );
    if (!out.Item) return undefined;
    const item: Record<string, unknown> = { ...out.Item };
    for (const k of KEY_ATTRIBUTES) delete item[k];
    return item as unknown as ColumnMapping;
  }

  /** The mapping carries its own history, so a put keeps every earlier statement. */
  async save(mapping: ColumnMapping): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.columnMapping(mapping.department, mapping.kind), ...mapping },
      }),
    );
  }
}
