import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type AuditEntry,
  type AuditLeadIdPage,
  type AuditQuery,
  auditLeadIdParts,
  listedAuditEntry,
  matchesAuditQuery,
} from '@jiandu/domain/audit';
import type { AuditLog, Page } from '@jiandu/domain/ports';
import { keys } from '../keys.js';
import { auditLeadIdPage, pageLimit } from '../paging.js';
import { ABSENT, partitionQuery, queryPage, strip, withFilter } from './items.js';
import { TableRepository } from './repository.js';

/** Marks a cursor into the legacy entries (never a character of a base64url cursor). */
const LEGACY = '~';

/**
 * The audit log, in its own table (`AUDIT_TABLE_SHAPE`): append-only. Every entry is put only
 * if absent (a clash is an error, never an overwrite), and this class has no update or delete;
 * in AWS the writer's role may only put, query and read that table (`infra/constructs/grants.ts`).
 *
 * Entries written before the audit log had its own table stay where they were, in the
 * platform table under the same keys, where IAM now denies every write to them. `legacyTable`
 * names that table: a query reads the audit table first and then continues into the old
 * entries, which are all older, so the list stays newest first across both.
 */
export class DynamoAuditLog extends TableRepository implements AuditLog {
  constructor(
    doc: DynamoDBDocumentClient,
    auditTableName: string,
    private readonly legacyTable?: string,
  ) {
    super(doc, auditTableName);
  }

  /**
   * Lead ids past the entry's own 2,000 are put first, in parts of their own items (a DynamoDB
   * item is limited to 400 KB), each only if absent; the entry last, so a listed entry always
   * has every id it counts.
   */
  async append(entry: AuditEntry): Promise<void> {
    const [, ...parts] = auditLeadIdParts(entry.target.leadIds ?? []);
    const written = await Promise.all(
      parts.map((leadIds, i) =>
        this.putItem({ ...keys.auditLeadIdPart(entry.auditId, i + 1), leadIds }, ABSENT),
      ),
    );
    const listed = listedAuditEntry(entry);
    const item = { ...keys.auditEntry(entry.auditId), ...keys.auditIndexes(entry), ...listed };
    if (written.includes(false) || !(await this.putItem(item, ABSENT)))
      throw new Error(`Audit entry ${entry.auditId} already exists`);
  }

  async leadIds(
    auditId: string,
    page: { readonly limit?: number; readonly cursor?: string },
  ): Promise<AuditLeadIdPage | undefined> {
    for (const table of [this.tableName, ...(this.legacyTable ? [this.legacyTable] : [])]) {
      const entry = await this.getItem<AuditEntry>(keys.auditEntry(auditId), table);
      if (!entry) continue;
      return auditLeadIdPage(
        entry,
        async (part) =>
          part === 0
            ? (entry.target.leadIds ?? [])
            : ((await this.getItem<{ leadIds: string[] }>(keys.auditLeadIdPart(auditId, part), table))
                ?.leadIds ?? []),
        page,
      );
    }
    return undefined;
  }

  async query(query: AuditQuery): Promise<Page<AuditEntry>> {
    const limit = pageLimit(query.limit);
    if (query.cursor?.startsWith(LEGACY)) return this.legacyPage(query, limit, query.cursor.slice(1));
    const page = await this.pageOf(this.tableName, query, limit, query.cursor);
    if (page.cursor || !this.legacyTable) return page;
    if (page.items.length >= limit) return { items: page.items, cursor: LEGACY };
    const rest = await this.legacyPage(query, limit - page.items.length, '');
    return { ...rest, items: [...page.items, ...rest.items] };
  }

  private async legacyPage(query: AuditQuery, limit: number, cursor: string): Promise<Page<AuditEntry>> {
    if (!this.legacyTable) return { items: [] };
    const page = await this.pageOf(this.legacyTable, query, limit, cursor || undefined);
    return page.cursor ? { items: page.items, cursor: `${LEGACY}${page.cursor}` } : { items: page.items };
  }

  private async pageOf(
    table: string,
    query: AuditQuery,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<AuditEntry>> {
    const page = await queryPage(
      this.doc,
      withFilter(
        partitionQuery(table, keys.auditEntries(query)),
        query.action
          ? {
              FilterExpression: '#action = :action',
              ExpressionAttributeNames: { '#action': 'action' },
              ExpressionAttributeValues: { ':action': query.action },
            }
          : undefined,
      ),
      limit,
      cursor,
    );
    const items = page.items.map((i) => strip<AuditEntry>(i)).filter((e) => matchesAuditQuery(e, query));
    return page.cursor ? { items, cursor: page.cursor } : { items };
  }
}
