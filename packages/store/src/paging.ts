import {
  AUDIT_LEAD_ID_PAGE,
  type AuditEntry,
  type AuditLeadIdPage,
  auditLeadIdPartOf,
  auditLeadIdPartStart,
} from '@jiandu/domain/audit';

/** Paging rules shared by the DynamoDB adapters and their in-memory twins. */

/** The cursor a client sent back is not one this API produced. */
export class InvalidCursorError extends Error {
  constructor() {
    super('翻页游标（cursor）无效：请使用上一页返回的 nextCursor，或去掉 cursor 从第一页开始');
    this.name = 'InvalidCursorError';
  }
}

/** The page size a caller asked for, within 1–500 (50 by default). */
export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 50, 1), 500);
}

/**
 * A page of an audit entry's lead ids from its stored parts (`auditLeadIdParts`): the cursor
 * is the offset of the next id; `readPart(n)` gives part n (0 is the entry's own list).
 */
export async function auditLeadIdPage(
  entry: AuditEntry,
  readPart: (part: number) => Promise<readonly string[]>,
  page: { readonly limit?: number; readonly cursor?: string },
): Promise<AuditLeadIdPage> {
  if (page.cursor && !/^\d{1,9}$/.test(page.cursor)) throw new InvalidCursorError();
  const start = page.cursor ? Number(page.cursor) : 0;
  const size = Math.min(Math.max(page.limit ?? AUDIT_LEAD_ID_PAGE.default, 1), AUDIT_LEAD_ID_PAGE.max);
  const target = entry.target;
  const listed = target.leadIds?.length ?? 0;
  // Entries from before full lists know only the ids they kept.
  const known = target.truncated ? listed : (target.count ?? listed);
  const end = Math.min(start + size, known);
  const items: string[] = [];
  if (start < end) {
    const first = auditLeadIdPartOf(start);
    const last = auditLeadIdPartOf(end - 1);
    const parts = await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => readPart(first + i)));
    const ids = parts.flat();
    const offset = auditLeadIdPartStart(first);
    items.push(...ids.slice(start - offset, end - offset));
    if (items.length !== end - start)
      throw new Error(`Audit entry ${entry.auditId}: lead ids ${start}–${end} are not all stored`);
  }
  return {
    items,
    count: target.count ?? listed,
    ...(end < known ? { cursor: String(end) } : {}),
    ...(target.truncated ? { truncated: true as const } : {}),
  };
}
