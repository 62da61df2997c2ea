/** Paging rules shared by the DynamoDB adapters and their in-memory twins. */

/** The cursor a client sent back is not one this API produced. */
export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid pagination cursor');
    this.name = 'InvalidCursorError';
  }
}

/** The page size a caller asked for, within 1–500 (50 by default). */
export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 50, 1), 500);
}
