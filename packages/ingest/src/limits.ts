import { type DatasetKind, KIND_LABELS } from '@jiandu/domain/kinds';

/**
 * Caps on what one upload may cost, so that a hostile or broken file is refused with a reason
 * instead of exhausting memory, disk or time.
 */

/** The caps of one read; every one of them is a clear refusal when exceeded. */
export interface ReadLimits {
  /** Bytes of an XLSX file (held compressed in memory to read its zip directory). */
  readonly maxWorkbookBytes: number;
  /** Bytes one part of a workbook (a sheet's XML, the shared strings) may inflate to. */
  readonly maxPartBytes: number;
  /**
   * Inflated-to-compressed ratio of a part above {@link ratioFloorBytes}: real sheets compress
   * 5–20 times, zip bombs a thousand times.
   */
  readonly maxCompressionRatio: number;
  /** Parts smaller than this are never refused for their ratio. */
  readonly ratioFloorBytes: number;
  /** Characters of the whole shared-string table of a workbook (it is held in memory). */
  readonly maxSharedStringChars: number;
  /** Non-blank rows of a file, over all sheets. */
  readonly maxRows: number;
  /** Columns of a row (Excel's own limit is 16,384). */
  readonly maxColumns: number;
  /** Characters of one cell (Excel's own limit is 32,767). */
  readonly maxCellChars: number;
  /** Characters of one physical CSV line. */
  readonly maxLineChars: number;
}

/** The caps in force unless a caller narrows them. */
export const DEFAULT_LIMITS: ReadLimits = {
  maxWorkbookBytes: 256 * 1024 * 1024,
  maxPartBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioFloorBytes: 8 * 1024 * 1024,
  maxSharedStringChars: 64 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 16_384,
  maxCellChars: 32_767,
  maxLineChars: 4 * 1024 * 1024,
};

/** Human-readable size for a Chinese message. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / 1024 / 1024)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * What one file of a dataset kind may hold, beyond the reader's own caps above: a file past
 * them is not what that kind's source system exports (a zip bomb of rows, a sheet pasted
 * sideways, a document pasted into a cell), and is refused as a whole with the reason.
 */
export interface KindCaps {
  /** Data rows of one file, over all sheets. */
  readonly rows: number;
  /** Filled cells of one row (blank trailing cells don't count). */
  readonly columns: number;
  /** Characters of one cell. */
  readonly cellChars: number;
}

// Headroom over the largest real export of each kind: a county of 2 million people, monthly
// payment books of every program, a decade of village books. Free text (notices' bodies,
// project descriptions, business scopes, finance summaries) is where cells run long.
const PERSON_FILE = { columns: 1_024, cellChars: 4_000 } as const;

/** Caps per kind (CONTRACT.md §2). */
export const KIND_CAPS: Readonly<Record<DatasetKind, KindCaps>> = {
  divisions: { rows: 100_000, columns: 64, cellChars: 200 },
  household_registry: { rows: 3_000_000, ...PERSON_FILE },
  death_records: { rows: 1_000_000, ...PERSON_FILE },
  public_officials: { rows: 500_000, ...PERSON_FILE },
  fiscal_payroll: { rows: 2_000_000, ...PERSON_FILE },
  market_entities: { rows: 1_000_000, columns: 1_024, cellChars: 8_000 },
  property_records: { rows: 2_000_000, ...PERSON_FILE },
  vehicle_records: { rows: 2_000_000, ...PERSON_FILE },
  social_insurance: { rows: 3_000_000, ...PERSON_FILE },
  subsidy_payments: { rows: 3_000_000, ...PERSON_FILE },
  poverty_registry: { rows: 1_000_000, ...PERSON_FILE },
  livelihood_projects: { rows: 100_000, columns: 256, cellChars: 8_000 },
  village_finance: { rows: 2_000_000, columns: 256, cellChars: 4_000 },
  notices: { rows: 200_000, columns: 64, cellChars: 32_767 },
};

/**
 * The first cap of `kind` that `row` (a data row of `fileName`) breaks, as a Chinese reason
 * naming the kind, the place and what to do; `undefined` when it keeps them all.
 */
export function kindCapBroken(
  kind: DatasetKind,
  caps: KindCaps,
  where: { fileName: string; sheetLabel: string; row: number; rowsRead: number },
  cells: readonly unknown[],
): string | undefined {
  const label = KIND_LABELS[kind];
  if (where.rowsRead > caps.rows)
    return `文件 ${where.fileName} 超过${label}文件 ${caps.rows} 行的上限，请按乡镇或月份拆分后上传`;
  let filled = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined || cell === '') continue;
    filled++;
    if (typeof cell === 'string' && cell.length > caps.cellChars)
      return `${where.sheetLabel}第${where.row}行第${i + 1}列有 ${cell.length} 个字符，超过${label}文件每格 ${caps.cellChars} 个字符的上限，请检查该单元格（可能粘贴了整段文字，或文件已损坏）`;
  }
  if (filled > caps.columns)
    return `${where.sheetLabel}第${where.row}行有 ${filled} 个非空单元格，超过${label}文件每行 ${caps.columns} 列的上限，请只保留需要的列后上传`;
  return undefined;
}
