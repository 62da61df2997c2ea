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
