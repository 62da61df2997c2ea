import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type AuditQuery, matchesAuditQuery } from '@jiandu/domain/audit';
import type { AuditLog, Page } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { pageLimit } from '../paging.js';
import { partitionQuery, queryPage, strip } from './items.js';

/**
 * The audit log: append-only. Every entry is put with `attribute_not_exists(PK)` (a clash is
 * an error, never an overwrite), and this class has no update or delete.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.auditEntry(entry.auditId), ...keys.auditIndexes(entry), ...entry },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async query(query: AuditQuery): Promise<Page<AuditEntry>> {
    const input = partitionQuery(this.tableName, keys.auditEntries(query));
    const page = await queryPage(
      this.doc,
      query.action
        ? {
            ...input,
            FilterExpression: '#action = :action',
            ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#action': 'action' },
            ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':action': query.action },
          }
        : input,
      pageLimit(query.limit),
      query.cursor,
    );
    const items = page.items.map((i) => strip<AuditEntry>(i)).filter((e) => matchesAuditQuery(e, query));
    return page.cursor ? { items, cursor: page.cursor } : { items };
  }
}
