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
