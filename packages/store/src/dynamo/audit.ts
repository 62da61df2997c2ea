import { type AuditEntry, type AuditQuery, matchesAuditQuery } from '@jiandu/domain/audit';
import type { AuditLog, Page } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { pageLimit } from '../paging.js';
import { ABSENT, partitionQuery, queryPage, strip, withFilter } from './items.js';
import { TableRepository } from './repository.js';

/**
 * The audit log: append-only. Every entry is put only if absent (a clash is an error, never
 * an overwrite), and this class has no update or delete.
 */
export class DynamoAuditLog extends TableRepository implements AuditLog {
  async append(entry: AuditEntry): Promise<void> {
    const item = { ...keys.auditEntry(entry.auditId), ...keys.auditIndexes(entry), ...entry };
    if (!(await this.putItem(item, ABSENT))) throw new Error(`Audit entry ${entry.auditId} already exists`);
  }

  async query(query: AuditQuery): Promise<Page<AuditEntry>> {
    const page = await queryPage(
      this.doc,
      withFilter(
        partitionQuery(this.tableName, keys.auditEntries(query)),
        query.action
          ? {
              FilterExpression: '#action = :action',
              ExpressionAttributeNames: { '#action': 'action' },
              ExpressionAttributeValues: { ':action': query.action },
            }
          : undefined,
      ),
      pageLimit(query.limit),
      query.cursor,
    );
    const items = page.items.map((i) => strip<AuditEntry>(i)).filter((e) => matchesAuditQuery(e, query));
    return page.cursor ? { items, cursor: page.cursor } : { items };
  }
}
