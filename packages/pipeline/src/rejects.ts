import { csvDocument, csvText } from '@jiandu/domain/export/cells';
import type { RejectedRow } from '@jiandu/domain/model';

/**
 * The downloadable rejects file of a version: the original cells of every rejected row
 * plus its row number and reason, as UTF-8 CSV with BOM (so Excel opens it). The cells come
 * from a department's file: every one is neutralised against formula injection.
 */
export function rejectsToCsv(rows: readonly RejectedRow[]): string {
  const originalColumns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const column of Object.keys(row.original)) {
      if (!seen.has(column)) {
        seen.add(column);
        originalColumns.push(column);
      }
    }
  }
  const header = ['行号', '工作表', '原因代码', '原因', ...originalColumns];
  const lines = rows.map((r) =>
    [
      String(r.row),
      r.sheet ?? '',
      r.reason,
      r.message,
      ...originalColumns.map((c) => r.original[c] ?? ''),
    ].map(csvText),
  );
  return csvDocument([header.map(csvText), ...lines]);
}
