import { coverageKey } from '@jiandu/domain/coverage';
/**
 * Reading what departments really send (CONTRACT.md §3): CSV in UTF-8 / GBK, XLSX, title
 * rows, total rows, notes, header synonyms — streamed row by row into canonical values.
 */
import { type DatasetKind, KIND_LABELS } from '@jiandu/domain/kinds';
import type { ColumnSource, NormalizedRow, QualityReport, RejectedRow } from '@jiandu/domain/model';
import type { DivisionIndex } from '@jiandu/domain/normalize/division';
import { KIND_SPECS } from './aliases.js';
import { type Body, isBlankText, peek, sniff } from './bytes.js';
import { cellText, isBlankRow, isUndecodable, type RawCell } from './cells.js';
import { placeByContent } from './columns.js';
import { FileRejectedError } from './errors.js';
import { departmentMapping, detectHeader, type HeaderMapping } from './header.js';
import { DEFAULT_LIMITS, KIND_CAPS, type KindCaps, kindCapBroken, type ReadLimits } from './limits.js';
import { RowNormalizer } from './rows.js';
import { csvSheet, type SourceRow, type SourceSheet } from './sources.js';
import { type WorkbookSheet, xlsxSheets } from './xlsx.js';

export type { ColumnSpec, ColumnType, KindSpec } from './aliases.js';
export { KIND_SPECS, personIdColumn } from './aliases.js';
export { NeedsMappingError } from './columns.js';
export type { FileRejectedCode } from './errors.js';
export { FileRejectedError } from './errors.js';
export { cleanHeader } from './header.js';
export { DEFAULT_LIMITS, KIND_CAPS, type KindCaps, type ReadLimits } from './limits.js';

/** Where accepted and rejected rows go, in file order. */
export interface IngestSink {
  accept(row: NormalizedRow): void | Promise<void>;
  reject(row: RejectedRow): void | Promise<void>;
}

/** What reading a file produced besides its rows. */
export interface IngestResult {
  readonly quality: QualityReport;
  /** Canonical columns found in the header(s). */
  readonly columns: string[];
  /** Sheets that were read (XLSX); `[]` for CSV. */
  readonly sheets: string[];
  /**
   * What an append version covers (CONTRACT.md §4): `program|YYYY-MM` keys for
   * `subsidy_payments`, `township|village|YYYY` for `village_finance`; `[]` otherwise.
   */
  readonly coverage: string[];
}

/** Options of {@link ingestFile}. */
export interface IngestOptions {
  /** The county's divisions, to resolve townships and villages given by name or code. */
  readonly divisions?: DivisionIndex;
  /**
   * The department's remembered column mapping for this kind: file header → canonical column
   * (or `ignore`). It beats the alias table.
   */
  readonly columnMapping?: Readonly<Record<string, string>>;
  /** Narrower caps than {@link DEFAULT_LIMITS} (tests, or a smaller runtime). */
  readonly limits?: Partial<ReadLimits>;
  /** Narrow the caps of the kind (`KIND_CAPS`), e.g. in tests. */
  readonly kindCaps?: Partial<KindCaps>;
}

// How far down a sheet the header may be (title rows, blank rows, notes above the table).
const HEADER_SCAN_ROWS = 20;
const MAX_WARNINGS = 100;

const TOTAL = /^(合计|总计|小计|共计|累计|本页合计|本页小计|总合计)/;
const NOTE =
  /^(备注|注[:：、\d]|说明|填表说明|制表|审核|复核|填报|填表|负责人|单位负责人|分管领导|主管|经办|联系人|联系电话|电话|签字|签章|盖章|公章|日期[:：])/;

type RowKind = 'blank' | 'total' | 'note' | 'repeated_header' | 'data';

/**
 * The first `max` cells with content, without blanks (every row is classified: this looks at
 * no more cells than it needs).
 */
function firstTexts(cells: readonly RawCell[], max: number): string[] {
  const texts: string[] = [];
  for (let i = 0; i < cells.length && texts.length < max; i++) {
    const text = cellText(cells[i]).replace(/[\s\u3000]/g, '');
    if (text !== '') texts.push(text);
  }
  return texts;
}

/** Whether a cell holds the header text `key` (blanks inside aside). */
function holdsHeader(cell: RawCell | undefined, key: string | undefined): boolean {
  const text = cellText(cell ?? null);
  // Blanks removed can only shorten it: most data cells differ without the replace.
  return text === key || (text.length > (key?.length ?? 0) && text.replace(/\s+/g, '') === key);
}

const HEADER_KEYS = new WeakMap<HeaderMapping, string[]>();

/** The header texts without blanks: a repeated header row is a literal copy of the header. */
function headerKeys(mapping: HeaderMapping): string[] {
  let keys = HEADER_KEYS.get(mapping);
  if (!keys) {
    keys = mapping.originalHeaders.map((h) => h.replace(/\s+/g, ''));
    HEADER_KEYS.set(mapping, keys);
  }
  return keys;
}

/** Sort a row that is not a table row out of the data. */
function classify(cells: readonly RawCell[], mapping: HeaderMapping, afterNotes: boolean): RowKind {
  if (isBlankRow(cells)) return 'blank';
  // Three texts decide: a total in the first three, a note first, or a lone cell under notes.
  const texts = firstTexts(cells, 3);
  if (texts.some((t) => TOTAL.test(t))) return 'total';
  if (NOTE.test(texts[0] ?? '')) return 'note';
  // Lines under the notes (`2、本表由村委会填写`) have a single cell.
  if (afterNotes && texts.length <= 1) return 'note';
  // Exports that repeat the header on every printed page.
  const keys = headerKeys(mapping);
  const repeats = mapping.mapped.filter((m) => holdsHeader(cells[m.index], keys[m.index])).length;
  if (mapping.mapped.length > 1 && repeats * 2 > mapping.mapped.length) return 'repeated_header';
  return 'data';
}

class QualityCounter {
  rowsRead = 0;
  accepted = 0;
  rejected = 0;
  idsRepaired = 0;
  idsLost = 0;
  readonly byReason = new Map<string, number>();
  readonly coverage = new Set<string>();
}

async function* singleSheet(sheet: SourceSheet): AsyncGenerator<SourceSheet & Partial<WorkbookSheet>> {
  yield sheet;
}

/** Best header attempt of a sheet that had none good enough, for the error message. */
interface FailedSheet {
  readonly mapping?: HeaderMapping;
  readonly firstRow?: readonly RawCell[];
  /** Whether the top rows hold undecodable bytes: a wrong encoding, not a missing column. */
  readonly garbled: boolean;
}

/**
 * Read one uploaded file of a dataset kind and push each accepted / rejected row to the sink,
 * streaming: the file is never held in memory as a whole.
 *
 * @throws {FileRejectedError} when the file as a whole is unusable: empty, not a spreadsheet,
 *   an unsupported format (old `.xls`), or no header with the kind's required columns.
 */
export async function ingestFile(
  kind: DatasetKind,
  file: { fileName: string; body: AsyncIterable<Uint8Array> | Uint8Array },
  sink: IngestSink,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const body = await peek(file.body as Body);
  if (body.head.length === 0 || isBlankText(body.head, body.ended)) {
    throw new FileRejectedError('empty_file', `文件 ${file.fileName} 是空文件`);
  }
  const format = sniff(body.head, body.ended, file.fileName);
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const caps: KindCaps = { ...KIND_CAPS[kind], ...options.kindCaps };
  const sheets: AsyncIterable<SourceSheet & Partial<WorkbookSheet>> =
    format.format === 'xlsx'
      ? xlsxSheets(body, file.fileName, limits)
      : singleSheet(csvSheet(body, format.encoding, limits));

  // XLSX cells sit in their columns; a CSV row can have more of them than its header.
  const normalizer = new RowNormalizer(kind, options.divisions, format.format === 'csv');
  const counter = new QualityCounter();
  const columns = new Set<string>();
  const sheetNames: string[] = [];
  const sheetWarnings: string[] = [];
  const sources = new Map<string, ColumnSource>();
  const stated = departmentMapping(options.columnMapping);
  const failed: FailedSheet[] = [];
  let sheetsSeen = 0;
  let sheetsWithContent = 0;
  let sheetsRead = 0;
  let formulasWithoutValue = 0;

  const handle = async (
    mapping: HeaderMapping,
    source: SourceRow,
    sheet: string | undefined,
    sheetLabel: string,
  ) => {
    counter.rowsRead++;
    // A zip bomb of identical rows must not reach the sink by the million.
    if (counter.rowsRead > limits.maxRows)
      throw new FileRejectedError(
        'too_large',
        `文件 ${file.fileName} 超过 ${limits.maxRows} 行数据的上限，请按乡镇或月份拆分后上传`,
      );
    const broken = kindCapBroken(
      kind,
      caps,
      { fileName: file.fileName, sheetLabel, row: source.row, rowsRead: counter.rowsRead },
      source.cells,
    );
    if (broken !== undefined) throw new FileRejectedError('too_large', broken);
    const outcome = normalizer.normalize(mapping, source.row, source.cells, sheet);
    if ('accepted' in outcome) {
      const row = outcome.accepted;
      counter.accepted++;
      if (row.idStatus === 'repaired') counter.idsRepaired++;
      if (row.idStatus === 'lost') counter.idsLost++;
      const key = coverageKey(kind, row.values);
      if (key !== undefined) counter.coverage.add(key);
      await sink.accept(row);
    } else {
      counter.rejected++;
      const reason = outcome.rejected.reason;
      counter.byReason.set(reason, (counter.byReason.get(reason) ?? 0) + 1);
      await sink.reject(outcome.rejected);
    }
  };

  for await (const sheet of sheets) {
    sheetsSeen++;
    const sheetLabel = sheet.name === undefined ? '文件' : `工作表「${sheet.name}」`;
    if (sheet.skipped !== undefined) {
      sheetWarnings.push(`${sheetLabel}${sheet.skipped}`);
      continue;
    }
    const iterator = sheet.rows[Symbol.asyncIterator]();
    // Buffer the top of the sheet to find the header among title rows.
    const top: SourceRow[] = [];
    let ended = false;
    while (top.length < HEADER_SCAN_ROWS) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      if (!isBlankRow(next.value.cells)) top.push(next.value);
    }
    if (top.length === 0) {
      formulasWithoutValue += sheet.stats?.formulasWithoutValue ?? 0;
      continue;
    }
    sheetsWithContent++;

    const detected = detectHeader(
      kind,
      top.map((r) => r.cells),
      stated,
    );
    // Columns the header didn't name are placed by their values (throws when it must ask).
    let header: { index: number; mapping: HeaderMapping } | undefined;
    try {
      header = detected && {
        index: detected.index,
        mapping: placeSheetColumns(kind, detected, top, sheetLabel, sheetWarnings),
      };
    } catch (error) {
      // The rest of the file is not read: release the source stream before asking.
      await iterator.return?.(undefined);
      throw error;
    }
    if (!header || header.mapping.missing.length > 0) {
      failed.push({
        ...(header ? { mapping: header.mapping } : {}),
        firstRow: top[0]?.cells,
        garbled: top.some((r) => r.cells.some(isUndecodable)),
      });
      if (sheet.name !== undefined)
        sheetWarnings.push(`${sheetLabel}没有${KIND_LABELS[kind]}所需的列，已跳过`);
      if (!ended) await iterator.return?.();
      formulasWithoutValue += sheet.stats?.formulasWithoutValue ?? 0;
      continue;
    }

    sheetsRead++;
    if (sheet.name !== undefined) sheetNames.push(sheet.name);
    const mapping = header.mapping;
    for (const m of mapping.mapped) {
      columns.add(m.column.name);
      const source = { header: mapping.originalHeaders[m.index] ?? '', column: m.column.name, how: m.how };
      sources.set(`${source.header}\u0000${source.column}`, source);
    }
    const duplicated = new Set(mapping.duplicates.map((d) => d.ignored));
    const ignored = mapping.originalHeaders.filter(
      (h, i) =>
        !mapping.mapped.some((m) => m.index === i) &&
        !mapping.ignoredByMapping.has(i) &&
        !duplicated.has(h) &&
        !/^(第\d+列|序号|编号|备注)(#\d+)?$/.test(h),
    );
    if (ignored.length > 0) sheetWarnings.push(`${sheetLabel}中未识别的列已忽略：${ignored.join('、')}`);
    for (const d of mapping.duplicates) {
      sheetWarnings.push(
        `${sheetLabel}中「${d.used}」与「${d.ignored}」都表示${d.label}，已使用「${d.used}」`,
      );
    }

    let afterNotes = false;
    const process = async (source: SourceRow) => {
      const rowKind = classify(source.cells, mapping, afterNotes);
      if (rowKind === 'note') afterNotes = true;
      if (rowKind !== 'data') return;
      await handle(mapping, source, sheet.name, sheetLabel);
    };
    for (const source of top.slice(header.index + 1)) await process(source);
    if (!ended) {
      while (true) {
        const next = await iterator.next();
        if (next.done) break;
        await process(next.value);
      }
    }
    formulasWithoutValue += sheet.stats?.formulasWithoutValue ?? 0;
  }

  // A zip with no worksheet in it is some other archive renamed, not an empty workbook.
  if (format.format === 'xlsx' && sheetsSeen === 0) {
    throw new FileRejectedError(
      'not_a_spreadsheet',
      `文件 ${file.fileName} 是压缩包而不是 Excel 工作簿（仅支持 .xlsx 和 .csv）`,
    );
  }
  const uncomputed =
    formulasWithoutValue > 0
      ? `；其中 ${formulasWithoutValue} 个公式单元格没有保存计算结果（文件不是由 Excel 保存的），请用 Excel 打开并保存后重新上传`
      : '';
  if (sheetsWithContent === 0)
    throw new FileRejectedError('empty_file', `文件 ${file.fileName} 没有任何内容${uncomputed}`);
  if (sheetsRead === 0) throw headerError(kind, file.fileName, failed);
  // A header without rows would read as "0 rows, all fine" and, for a snapshot, empty the dataset.
  if (counter.rowsRead === 0)
    throw new FileRejectedError('no_rows', `文件 ${file.fileName} 只有表头，没有任何数据行${uncomputed}`);

  // Capped: a file with thousands of distinct unresolved villages must not bloat the version record.
  const warnings = [...sheetWarnings, ...normalizer.warnings]
    .slice(0, MAX_WARNINGS)
    .map((w) => (w.length > 500 ? `${w.slice(0, 500)}…` : w));
  return {
    quality: {
      rowsRead: counter.rowsRead,
      accepted: counter.accepted,
      rejected: counter.rejected,
      rejectedByReason: Object.fromEntries([...counter.byReason].sort(([a], [b]) => a.localeCompare(b))),
      idsRepaired: counter.idsRepaired,
      idsLost: counter.idsLost,
      unknownPrograms: normalizer.unknownPrograms,
      ...(normalizer.unknownProgramCount > normalizer.unknownPrograms.length
        ? { unknownProgramCount: normalizer.unknownProgramCount }
        : {}),
      warnings,
      columns: [...sources.values()],
    },
    columns: KIND_SPECS[kind].columns.map((c) => c.name).filter((name) => columns.has(name)),
    sheets: sheetNames,
    coverage: [...counter.coverage].sort(),
  };
}

/**
 * The sheet's header mapping after content placement: data rows under the header (without
 * totals and notes) are the sample.
 */
function placeSheetColumns(
  kind: DatasetKind,
  detected: { index: number; mapping: HeaderMapping },
  top: readonly SourceRow[],
  sheetLabel: string,
  warnings: string[],
): HeaderMapping {
  const samples = top
    .slice(detected.index + 1)
    .map((r) => r.cells)
    .filter((cells) => classify(cells, detected.mapping, false) === 'data');
  const placed = placeByContent(kind, detected.mapping, top[detected.index]?.cells ?? [], samples);
  for (const w of placed.warnings) warnings.push(`${sheetLabel}中${w}`);
  for (const m of placed.mapping.mapped)
    if (m.how === 'content')
      warnings.push(
        `${sheetLabel}中列「${placed.mapping.originalHeaders[m.index]}」按内容识别为${label(kind, m.column.name)}(${m.column.name})`,
      );
  return placed.mapping;
}

function label(kind: DatasetKind, name: string): string {
  return KIND_SPECS[kind].columns.find((c) => c.name === name)?.label ?? name;
}

/** The error for a file none of whose sheets has a usable header. */
function headerError(kind: DatasetKind, fileName: string, failed: readonly FailedSheet[]): FileRejectedError {
  const best = failed
    .filter((f) => f.mapping !== undefined)
    .sort((a, b) => (b.mapping?.satisfied ?? 0) - (a.mapping?.satisfied ?? 0))[0];
  const required = KIND_SPECS[kind].required.map((group) => group.join('/'));
  const garbled = failed.find((f) => f.garbled);
  if (garbled)
    return new FileRejectedError(
      'bad_encoding',
      `文件 ${fileName} 的文字编码无法识别（开头几行中有无法解码的字节）。请另存为 UTF-8 或 GBK 编码的 .csv，或 .xlsx 后重新上传`,
      { found: firstTexts(garbled.firstRow ?? [], 50) },
    );
  if (!best?.mapping) {
    const found = firstTexts(failed[0]?.firstRow ?? [], Number.POSITIVE_INFINITY);
    return new FileRejectedError(
      'no_header',
      `文件 ${fileName} 中找不到表头：前${HEADER_SCAN_ROWS}行没有任何${KIND_LABELS[kind]}的列名。需要的列：${required
        .map((g) =>
          g
            .split('/')
            .map((n) => label(kind, n))
            .join('或'),
        )
        .join('、')}`,
      { expected: required, found },
    );
  }
  const mapping = best.mapping;
  const found = mapping.originalHeaders.filter((h) => !/^第\d+列$/.test(h));
  const missing = mapping.missing.map((g) =>
    g
      .split('/')
      .map((n) => `${label(kind, n)}(${n})`)
      .join('或'),
  );
  return new FileRejectedError(
    'missing_columns',
    `文件 ${fileName} 缺少${KIND_LABELS[kind]}的必需列：${missing.join('、')}。文件中的列：${found.join('、')}。` +
      '如果文件中的列名不同，请指定列映射（npm run cli -- upload <目录> --map 列名=列，或 PUT /api/v1/column-mappings）',
    { expected: [...mapping.missing], found },
  );
}
