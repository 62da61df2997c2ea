/**
 * Checking a column mapping a department states (`--map 列名=owner_id`, a mapping file, the API)
 * before it is remembered: every target must be a canonical column of the kind, or `ignore`.
 * Kept apart from the readers so the API can use it without bundling them.
 */
import { IGNORE_COLUMN } from '@jiandu/domain/datasets/column-mappings';
import { type DatasetKind, KIND_LABELS } from '@jiandu/domain/kinds';
import { KIND_SPECS } from './aliases.js';

/** Problems of a stated mapping, in Chinese, one per header (empty when it is usable). */
export function columnMappingProblems(
  kind: DatasetKind,
  columns: Readonly<Record<string, string>>,
): string[] {
  const names = KIND_SPECS[kind].columns.map((c) => c.name);
  const problems: string[] = [];
  const targets = new Map<string, string>();
  for (const [header, column] of Object.entries(columns)) {
    if (header.trim() === '') problems.push('列名不能为空');
    else if (column !== IGNORE_COLUMN && !names.includes(column))
      problems.push(
        `「${header}=${column}」：${column} 不是${KIND_LABELS[kind]}的列，可用的列：${names.join('、')}，或 ${IGNORE_COLUMN}（忽略该列）`,
      );
    else if (column !== IGNORE_COLUMN && targets.has(column))
      problems.push(`「${targets.get(column)}」和「${header}」都映射到了 ${column}，一列只能对应一个列名`);
    if (column !== IGNORE_COLUMN) targets.set(column, header);
  }
  return problems;
}

/**
 * Parse `列名=列` statements (the CLI's `--map`, lines of a mapping file). Blank lines and
 * lines starting with `#` are skipped. Throws with the offending line when one has no `=`.
 */
export function parseMappingLines(lines: readonly string[]): Record<string, string> {
  const columns: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf('=');
    if (at <= 0 || at === line.length - 1)
      throw new Error(`列映射「${line}」的格式应为 列名=列（例如 身份证明号码=owner_id）`);
    columns[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return columns;
}
