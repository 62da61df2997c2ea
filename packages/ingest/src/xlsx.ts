/**
 * A streaming XLSX reader of our own: the zip directory (zip.ts), node's zlib inflating each
 * part as a stream, one stateful UTF-8 decoder per part (characters split between inflated
 * chunks are never corrupted), and saxes for the XML — decoded exactly once.
 *
 * Why not exceljs' WorkbookReader: it decodes every inflated chunk to text on its own and so
 * splits multi-byte characters (upstream issues 2063, 2084, 2316; the fix, PR 1665, never
 * merged), decodes inline strings twice, reads hidden sheets, crashes on cells without `r=`,
 * spools sheets stored before the shared strings to $TMPDIR without a size cap and never
 * bounds what a part may inflate to.
 */
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { type PeekedBody, pieces } from './bytes.js';
import type { RawCell } from './cells.js';
import { FileRejectedError } from './errors.js';
import { type ReadLimits, sizeText } from './limits.js';
import type { SourceRow, SourceSheet } from './sources.js';
import { inflateEntry, type ZipEntry, zipEntries } from './zip.js';

// A run of characters without `<` longer than this is one giant text node or attribute:
// saxes would buffer it whole. Generous: entities may spell one character in up to 10.
const MAX_RUN_FACTOR = 10;

type Handlers = {
  open?: (name: string, attributes: Record<string, string>) => void;
  close?: (name: string) => void;
  text?: (text: string) => void;
};

/** The local part of a possibly prefixed XML name (`x:row` → `row`). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * Parse one XML part of the workbook, calling the handlers as the document streams by; the
 * generator yields after each inflated chunk so that the caller can pass on what it collected.
 */
async function* parsePart(
  chunks: AsyncIterable<Buffer>,
  what: string,
  limits: ReadLimits,
  handlers: Handlers,
): AsyncGenerator<void> {
  const parser = new SaxesParser({ position: true, xmlns: false });
  parser.on('doctype', () => {
    // XXE and billion laughs live in a DTD; Excel never writes one.
    throw new FileRejectedError('not_a_spreadsheet', `${what}含有 DTD 声明（DOCTYPE），出于安全原因拒绝读取`);
  });
  const { open, close, text } = handlers;
  if (open)
    parser.on('opentag', (tag: SaxesTagPlain) =>
      open(local(tag.name), tag.attributes as Record<string, string>),
    );
  if (close) parser.on('closetag', (tag: SaxesTagPlain) => close(local(tag.name)));
  if (text) {
    parser.on('text', text);
    parser.on('cdata', text);
  }
  const maxRun = limits.maxCellChars * MAX_RUN_FACTOR;
  let run = 0;
  let decoder: TextDecoder | undefined;
  const write = (chunk: string) => {
    // Only a run that spans chunks can be longer than a chunk: O(1) per chunk.
    const first = chunk.indexOf('<');
    if (first < 0) run += chunk.length;
    else if (run + first > maxRun) run += first;
    else run = chunk.length - 1 - chunk.lastIndexOf('<');
    if (run > maxRun)
      throw new FileRejectedError(
        'too_large',
        `${what}中有一段超过 ${maxRun} 个字符的连续内容（单元格过大），文件可能已损坏，已拒绝读取`,
      );
    try {
      parser.write(chunk);
    } catch (error) {
      if (error instanceof FileRejectedError) throw error;
      throw new FileRejectedError(
        'not_a_spreadsheet',
        `${what}的 XML 格式错误（第${parser.line}行第${parser.column}列），文件已损坏`,
      );
    }
  };
  for await (const chunk of pieces(chunks)) {
    // Parts are UTF-8; UTF-16 is allowed by XML and announced by a BOM.
    decoder ??= new TextDecoder(
      chunk[0] === 0xff && chunk[1] === 0xfe
        ? 'utf-16le'
        : chunk[0] === 0xfe && chunk[1] === 0xff
          ? 'utf-16be'
          : 'utf-8',
    );
    write(decoder.decode(chunk, { stream: true }));
    yield;
  }
  write(decoder?.decode() ?? '');
  try {
    parser.close();
  } catch {
    throw new FileRejectedError('not_a_spreadsheet', `${what}不完整（XML 未结束），文件已损坏`);
  }
  yield;
}

/** Drain a part whose handlers collect everything themselves. */
async function readPart(chunks: AsyncIterable<Buffer>, what: string, limits: ReadLimits, handlers: Handlers) {
  for await (const _ of parsePart(chunks, what, limits, handlers)) {
  }
}

/** `A`…`XFD` → 1…16384; 0 when the reference has no letters. */
function columnOf(ref: string): number {
  let column = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i) | 0x20;
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
  }
  return column;
}

/** `ABC` for column 731, to name a cell in a message. */
function columnName(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

// Built-in number formats that are dates or times (ECMA-376 §18.8.30, with the CJK ones).
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54,
  55, 56, 57, 58,
]);

/** Whether a custom number format shows a date or time (`yyyy-mm-dd`, `yyyy"年"m"月"`). */
function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\\.|_.|\*.|\[[^\]]*\]/g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** A workbook's zip entries with lookup by part name. */
class Package {
  constructor(
    private readonly zip: Buffer,
    private readonly entries: Map<string, ZipEntry>,
    private readonly limits: ReadLimits,
  ) {}

  has(part: string): boolean {
    return this.entries.has(part.toLowerCase());
  }

  chunks(part: string, what: string): AsyncIterable<Buffer> {
    const entry = this.entries.get(part.toLowerCase());
    if (!entry) throw new FileRejectedError('not_a_spreadsheet', `${what}缺失，文件已损坏`);
    return inflateEntry(this.zip, entry, this.limits, what);
  }

  /** The relationships of a part: id → { type, target part name }. */
  async relationships(part: string): Promise<Map<string, { type: string; target: string }>> {
    const slash = part.lastIndexOf('/');
    const folder = part.slice(0, slash + 1);
    const relsPart = `${folder}_rels/${part.slice(slash + 1)}.rels`;
    const relationships = new Map<string, { type: string; target: string }>();
    if (!this.has(relsPart)) return relationships;
    await readPart(this.chunks(relsPart, '工作簿的关系表'), '工作簿的关系表', this.limits, {
      open: (name, a) => {
        if (name !== 'Relationship' || a.Id === undefined || a.Target === undefined) return;
        if (a.TargetMode === 'External') return;
        relationships.set(a.Id, { type: a.Type ?? '', target: resolvePart(folder, a.Target) });
      },
    });
    return relationships;
  }
}

/** A relationship target as a part name: relative to the source's folder unless absolute. */
function resolvePart(folder: string, target: string): string {
  const segments = (target.startsWith('/') ? target.slice(1) : folder + target).split('/');
  const resolved: string[] = [];
  for (const segment of segments) {
    if (segment === '..') resolved.pop();
    else if (segment !== '.' && segment !== '') resolved.push(segment);
  }
  return resolved.join('/');
}

interface SheetInfo {
  readonly name: string;
  readonly state: string;
  readonly part: string | undefined;
}

/** What the sheets need from the rest of the workbook. */
interface WorkbookContext {
  readonly sharedStrings: string[];
  readonly dateStyles: boolean[];
  readonly date1904: boolean;
}

async function readWorkbook(pkg: Package, limits: ReadLimits) {
  const root = await pkg.relationships('');
  const office = [...root.values()].find((r) => r.type.endsWith('/officeDocument'));
  const workbookPart = office?.target ?? 'xl/workbook.xml';
  if (!pkg.has(workbookPart)) return undefined;
  const rels = await pkg.relationships(workbookPart);
  const listed: { name: string; state: string; id: string | undefined }[] = [];
  let date1904 = false;
  await readPart(pkg.chunks(workbookPart, '工作簿目录'), '工作簿目录', limits, {
    open: (name, a) => {
      if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
      if (name !== 'sheet') return;
      const idKey = Object.keys(a).find((k) => local(k) === 'id' && k.includes(':'));
      listed.push({ name: a.name ?? '', state: a.state ?? 'visible', id: idKey ? a[idKey] : undefined });
    },
  });
  const sheets: SheetInfo[] = listed.map((s) => {
    const rel = s.id === undefined ? undefined : rels.get(s.id);
    const part = rel?.type.endsWith('/worksheet') ? rel.target : undefined;
    return { name: s.name, state: s.state, part };
  });
  const partOf = (type: string, fallback: string) =>
    [...rels.values()].find((r) => r.type.endsWith(type))?.target ??
    (pkg.has(fallback) ? fallback : undefined);
  return {
    sheets,
    date1904,
    sharedStringsPart: partOf('/sharedStrings', 'xl/sharedStrings.xml'),
    stylesPart: partOf('/styles', 'xl/styles.xml'),
  };
}

/** Which cell styles (`s=` index) show a date. */
async function readDateStyles(
  pkg: Package,
  part: string | undefined,
  limits: ReadLimits,
): Promise<boolean[]> {
  if (part === undefined || !pkg.has(part)) return [];
  const custom = new Map<number, boolean>();
  const styles: boolean[] = [];
  let inCellXfs = false;
  await readPart(pkg.chunks(part, '样式表'), '样式表', limits, {
    open: (name, a) => {
      if (name === 'numFmt') custom.set(Number(a.numFmtId), isDateFormat(a.formatCode ?? ''));
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(a.numFmtId ?? 0);
        styles.push(custom.get(id) ?? BUILTIN_DATE_FORMATS.has(id));
      }
    },
    close: (name) => {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return styles;
}

/** The shared-string table; phonetic runs (`rPh`, furigana) are not part of the text. */
async function readSharedStrings(
  pkg: Package,
  part: string | undefined,
  limits: ReadLimits,
): Promise<string[]> {
  if (part === undefined || !pkg.has(part)) return [];
  const what = '共享字符串表';
  const strings: string[] = [];
  let total = 0;
  let current: string | undefined;
  let inText = false;
  let phonetic = 0;
  await readPart(pkg.chunks(part, what), what, limits, {
    open: (name) => {
      if (name === 'si') current = '';
      else if (name === 't') inText = phonetic === 0;
      else if (name === 'rPh') phonetic++;
    },
    close: (name) => {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si' && current !== undefined) {
        total += current.length;
        if (total > limits.maxSharedStringChars)
          throw new FileRejectedError(
            'too_large',
            `${what}超过 ${limits.maxSharedStringChars} 个字符，疑似压缩炸弹或文件过大，已拒绝读取`,
          );
        strings.push(current);
        current = undefined;
      }
    },
    text: (text) => {
      if (!inText || current === undefined) return;
      current += text;
      if (current.length > limits.maxCellChars)
        throw new FileRejectedError(
          'too_large',
          `${what}第${strings.length + 1}项超过 ${limits.maxCellChars} 个字符（Excel 单元格的上限），文件可能已损坏`,
        );
    },
  });
  return strings;
}

/** Excel's serial day number to a UTC date, as Excel shows it (the 1900 leap-year bug included). */
function serialDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** Per-sheet counts a caller reports once the rows are read. */
export interface SheetStats {
  /** Formula cells saved without a computed value (written by a program, not by Excel). */
  formulasWithoutValue: number;
}

/** The rows of one worksheet, streamed. */
async function* sheetRows(
  pkg: Package,
  sheet: SheetInfo & { part: string },
  context: WorkbookContext,
  limits: ReadLimits,
  stats: SheetStats,
): AsyncGenerator<SourceRow> {
  const what = `工作表「${sheet.name}」`;
  const done: SourceRow[] = [];
  let rowNumber = 0;
  let cells: RawCell[] | undefined;
  let column = 0;
  // The cell being read.
  let type = 'n';
  let style = 0;
  let value: string | undefined;
  let inline: string | undefined;
  let formula = false;
  let target: 'v' | 't' | undefined;
  let phonetic = 0;
  const where = () => `${what}${columnName(column)}${rowNumber}单元格`;

  const cellValue = (): RawCell => {
    switch (type) {
      case 's': {
        if (value === undefined || value.trim() === '') return null;
        const text = context.sharedStrings[Number(value)];
        if (text === undefined)
          throw new FileRejectedError('not_a_spreadsheet', `${where()}引用了不存在的共享字符串，文件已损坏`);
        return text;
      }
      case 'inlineStr':
        // Some exporters put an inline string's text in <v> instead of <is>.
        return inline ?? value ?? null;
      case 'str':
        return value ?? null;
      case 'b':
        return value === undefined ? null : value.trim() === '1' || value.trim() === 'true';
      case 'e':
        return null;
      case 'd':
        return value === undefined ? null : new Date(value);
      default: {
        if (value === undefined || value.trim() === '') return null;
        const n = Number(value);
        if (Number.isNaN(n)) return value;
        return context.dateStyles[style] ? serialDate(n, context.date1904) : n;
      }
    }
  };

  const parsing = parsePart(pkg.chunks(sheet.part, what), what, limits, {
    open: (name, a) => {
      switch (name) {
        case 'row': {
          const r = a.r === undefined ? rowNumber + 1 : Number(a.r);
          // Rows without a number continue from the previous one.
          rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
          cells = [];
          column = 0;
          return;
        }
        case 'c': {
          const ref = a.r === undefined ? 0 : columnOf(a.r);
          column = ref > 0 ? ref : column + 1;
          type = a.t ?? 'n';
          style = a.s === undefined ? 0 : Number(a.s);
          value = undefined;
          inline = undefined;
          formula = false;
          return;
        }
        case 'v':
          target = 'v';
          return;
        case 'f':
          formula = true;
          return;
        case 'rPh':
          phonetic++;
          return;
        case 't':
          if (type === 'inlineStr' && phonetic === 0) target = 't';
          return;
        default:
          return;
      }
    },
    close: (name) => {
      switch (name) {
        case 'v':
        case 't':
          target = undefined;
          return;
        case 'rPh':
          phonetic--;
          return;
        case 'c': {
          const cell = cellValue();
          if (cell === null) {
            if (formula && value === undefined) stats.formulasWithoutValue++;
            return;
          }
          if (column > limits.maxColumns)
            throw new FileRejectedError(
              'too_large',
              `${where()}超出了 ${limits.maxColumns} 列的上限，文件可能已损坏`,
            );
          if (cells === undefined) return;
          while (cells.length < column - 1) cells.push(null);
          cells[column - 1] = cell;
          return;
        }
        case 'row':
          if (cells !== undefined && cells.length > 0) done.push({ row: rowNumber, cells });
          cells = undefined;
          return;
        default:
          return;
      }
    },
    text: (text) => {
      if (target === 'v') value = (value ?? '') + text;
      else if (target === 't') inline = (inline ?? '') + text;
      else return;
      if ((value?.length ?? 0) + (inline?.length ?? 0) > limits.maxCellChars)
        throw new FileRejectedError(
          'too_large',
          `${where()}超过 ${limits.maxCellChars} 个字符（Excel 单元格的上限），文件可能已损坏`,
        );
    },
  });
  for await (const _ of parsing) {
    for (const row of done) yield row;
    done.length = 0;
  }
}

/** Gather the compressed workbook: its directory is at the end of the file. */
async function workbookBytes(body: PeekedBody, fileName: string, limits: ReadLimits): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body.chunks()) {
    size += chunk.length;
    if (size > limits.maxWorkbookBytes)
      throw new FileRejectedError(
        'too_large',
        `文件 ${fileName} 超过 ${sizeText(limits.maxWorkbookBytes)}，请拆分为多个文件或另存为 .csv 后上传`,
      );
    parts.push(chunk);
  }
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
}

/** A sheet of a workbook as {@link xlsxSheets} yields it. */
export interface WorkbookSheet extends SourceSheet {
  readonly name: string;
  /** Why the sheet is not read (hidden, a chart); its rows are then empty. */
  readonly skipped?: string;
  readonly stats: SheetStats;
}

/**
 * Read an XLSX body sheet by sheet, in the workbook's order, rows streamed: the compressed
 * file is held (bounded by {@link ReadLimits.maxWorkbookBytes}), never its inflated XML.
 * Dates come out as `Date` (date-formatted cells), numbers stay numbers.
 */
export async function* xlsxSheets(
  body: PeekedBody,
  fileName: string,
  limits: ReadLimits,
): AsyncGenerator<WorkbookSheet> {
  const zip = await workbookBytes(body, fileName, limits);
  const entries = zipEntries(zip);
  if (!entries)
    throw new FileRejectedError(
      'not_a_spreadsheet',
      `文件 ${fileName} 不是完整的 .xlsx 文件（压缩包目录缺失，可能上传不完整），请重新保存后上传`,
    );
  const pkg = new Package(zip, entries, limits);
  const workbook = await readWorkbook(pkg, limits);
  if (!workbook) return;
  // Shared strings and styles first, whatever their place in the archive (Excel stores them
  // after the sheets): the sheets are inflated only when their turn comes.
  const context: WorkbookContext = {
    dateStyles: await readDateStyles(pkg, workbook.stylesPart, limits),
    sharedStrings: await readSharedStrings(pkg, workbook.sharedStringsPart, limits),
    date1904: workbook.date1904,
  };
  for (const sheet of workbook.sheets) {
    const stats: SheetStats = { formulasWithoutValue: 0 };
    const { name, part } = sheet;
    const skipped =
      sheet.state === 'hidden' || sheet.state === 'veryHidden'
        ? '是隐藏工作表，未读取'
        : part === undefined || !pkg.has(part)
          ? '不是数据工作表（图表或缺失），未读取'
          : undefined;
    if (skipped !== undefined || part === undefined) {
      yield { name, skipped: skipped ?? '', stats, rows: (async function* () {})() };
      continue;
    }
    yield { name, stats, rows: sheetRows(pkg, { ...sheet, part }, context, limits, stats) };
  }
}
