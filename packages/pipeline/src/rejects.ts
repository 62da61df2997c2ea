import type { RejectedRow } from '@jiandu/domain/model';

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The downloadable rejects file of a version: the original cells of every rejected row
 * plus its row number and reason, as UTF-8 CSV with BOM (so Excel opens it).
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
    [String(r.row), r.sheet ?? '', r.reason, r.message, ...originalColumns.map((c) => r.original[c] ?? '')]
      .map(field)
      .join(','),
  );
  return `\uFEFF${[header.map(field).join(','), ...lines].join('\r\n')}\r\n`;
}
