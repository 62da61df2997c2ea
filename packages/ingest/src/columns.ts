/**
 * Placing key columns by their values when their headers are unknown (after the alias table and
 * the department's mapping had their say): a column where ≥ 90% of the non-empty cells are valid
 * ID numbers is an ID column; likewise plates, credit codes, dates, amounts and names for the
 * kind's required columns. When several columns could be the same one, the header's role words
 * decide (所有人/车主 → owner, 法定代表人/经营者 → legal representative …). The platform never
 * guesses between two candidates: it asks ({@link NeedsMappingError}).
 */
import type { DatasetKind } from '@jiandu/domain/kinds';
import { normalizeDate } from '@jiandu/domain/normalize/date';
import { normalizeIdNumber } from '@jiandu/domain/normalize/id';
import { type ColumnSpec, type ColumnType, KIND_SPECS } from './aliases.js';
import { cellText, isBlankCell, type RawCell } from './cells.js';
import { aliasLookup, cleanHeader, type HeaderMapping, type MappedColumn, requiredGroups } from './header.js';

/** Share of non-empty sampled cells that must fit a column's shape. */
export const CONTENT_THRESHOLD = 0.9;

/** A file needs the department to say which column is which before it can come into force. */
export class NeedsMappingError extends Error {
  readonly code = 'needs_mapping';
  /** File headers that could be the columns in question. */
  readonly candidates: string[];
  /** Canonical columns still to be placed. */
  readonly targets: string[];

  constructor(message: string, candidates: string[], targets: string[]) {
    super(message);
    this.name = 'NeedsMappingError';
    this.candidates = candidates;
    this.targets = targets;
  }
}

type Family = 'id' | 'plate' | 'credit_code' | 'date' | 'amount' | 'name';

const ID_TYPES: ReadonlySet<ColumnType> = new Set(['person_id', 'secondary_id', 'party_code']);

function familyOf(column: ColumnSpec): Family | undefined {
  if (ID_TYPES.has(column.type)) return 'id';
  if (column.name === 'plate') return 'plate';
  if (column.name === 'credit_code') return 'credit_code';
  if (column.type === 'date') return 'date';
  if (column.type === 'amount' || column.type === 'amount_wan') return 'amount';
  if (column.type === 'name') return 'name';
  return undefined;
}

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE = new RegExp(`^[${PROVINCES}][A-Z][·.]?[A-HJ-NP-Z0-9]{5,6}$`);
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const DATE_TEXT = /^(19|20)\d{2}([-/.年]\d{1,2}([-/.月]\d{1,2}日?)?|\d{4}|[-/.年]\d{1,2}月?)$/;
const AMOUNT_TEXT = /^[¥￥]?-?\d{1,3}(,\d{3})*(\.\d+)?(元|万元|万)?$|^[¥￥]?-?\d+(\.\d+)?(元|万元|万)?$/;
const PERSON_NAME = /^[\u4e00-\u9fff][\u4e00-\u9fff·]{1,5}$/;
// Words that end place, organisation and category names rather than personal names.
const NOT_A_NAME =
  /(村|镇|乡|街道|社区|县|市|区|组|局|所|公司|厂|店|部|站|院|队|会|室|中心|费|款|贴|保|助|金|车|房|族)$/;
// Whole values of other short label columns (relation, status) that look like two-character names.
const LABEL_WORDS =
  /^(户主|本人|配偶|妻子?|丈夫|[长次三四]?[子女]|儿子|女儿|儿媳|女婿|孙子|孙女|父亲|母亲|兄弟|姐妹|存续|在业|注销|吊销|迁出|正常|已脱贫|未脱贫|脱贫|是|否|男|女)$/;

function compactText(cell: RawCell): string {
  return cellText(cell)
    .normalize('NFKC')
    .replace(/[\s\u200b-\u200f\ufeff]/g, '');
}

/** Whether one non-empty cell fits a family's shape. */
const FITS: Readonly<Record<Family, (cell: RawCell) => boolean>> = {
  id: (cell) => normalizeIdNumber(typeof cell === 'number' ? cell : cellText(cell)).id !== undefined,
  plate: (cell) => PLATE.test(compactText(cell).toUpperCase()),
  credit_code: (cell) => CREDIT_CODE.test(compactText(cell).toUpperCase()),
  date: (cell) =>
    cell instanceof Date || (DATE_TEXT.test(compactText(cell)) && normalizeDate(compactText(cell)) !== null),
  amount: (cell) =>
    (typeof cell === 'number' && Number.isFinite(cell)) || AMOUNT_TEXT.test(compactText(cell)),
  name: (cell) => {
    const text = compactText(cell);
    return PERSON_NAME.test(text) && !NOT_A_NAME.test(text) && !LABEL_WORDS.test(text);
  },
};

/** Families in the order columns are claimed: an ID column also looks like an amount. */
const FAMILY_ORDER: readonly Family[] = ['id', 'plate', 'credit_code', 'date', 'amount', 'name'];

/** Role words in a header that say whose ID or name a column holds, per canonical column. */
const ROLE_WORDS: Readonly<Record<string, RegExp>> = {
  owner_id: /所有人|车主|权利人|产权人|业主|所有权人|使用权人/,
  owner_name: /所有人|车主|权利人|产权人|业主|所有权人|使用权人/,
  legal_rep_id: /法定代表人|法人|经营者|负责人|投资人|合伙人/,
  legal_rep_name: /法定代表人|法人|经营者|负责人|投资人|合伙人/,
  recipient_name: /收款人|领取人|领款人|享受|补贴对象|救助对象|保障对象|持卡人|户主/,
  counterparty_id: /收款|领款|付款|对方|往来/,
  counterparty: /收款|领款|付款|对方|往来/,
  contractor_code: /承建|施工|中标|承包/,
  contractor_name: /承建|施工|中标|承包/,
};
/** Row-number columns: their small integers look like amounts, but never are. */
const ROW_NUMBER = /^(序号|编号|行号|顺序号|no\.?|xh)$/;
/** In the payment files the person's ID is the recipient's. */
const PAYMENT_ROLE = /收款人|领取人|领款人|享受|补贴对象|救助对象|保障对象|持卡人|户主/;
/** Columns of someone else (the clerk, a contact): never placed by content alone. */
const OTHER_PARTY = /经办|审核|审批|录入|操作员|联系人|代办|代理|监护|担保|填报|复核/;

function roleWords(kind: DatasetKind, column: string): RegExp | undefined {
  if (kind === 'subsidy_payments' && column === 'id_number') return PAYMENT_ROLE;
  return ROLE_WORDS[column];
}

/** Labels of columns for messages: `机动车所有人的身份证号(owner_id)`. */
function columnLabel(column: ColumnSpec): string {
  return `${column.label}(${column.name})`;
}

/** A file column whose values fit a family, and its header text. */
interface Candidate {
  readonly index: number;
  readonly header: string;
}

/** What content placement decided. */
export interface ContentPlacement {
  /** The header mapping with the columns placed by content added (and `missing` recomputed). */
  readonly mapping: HeaderMapping;
  /** Columns that look like ID numbers but had nowhere to go (every ID column was placed). */
  readonly warnings: string[];
}

/**
 * Place the kind's unplaced ID columns, and its missing required columns, by the values of the
 * sampled data rows under the chosen header.
 *
 * @throws {NeedsMappingError} when a column that looks like ID numbers can't be placed while the
 *   kind still lacks an ID column, or when two columns could both be the same required column.
 */
export function placeByContent(
  kind: DatasetKind,
  mapping: HeaderMapping,
  headerCells: readonly RawCell[],
  samples: readonly (readonly RawCell[])[],
): ContentPlacement {
  const columns = KIND_SPECS[kind].columns;
  const lookup = aliasLookup(kind);
  const placed = new Set(mapping.mapped.map((m) => m.column.name));
  // Columns whose header already means something (used, or a duplicate of a used one) are not candidates.
  const taken = new Set<number>(mapping.mapped.map((m) => m.index));
  headerCells.forEach((cell, index) => {
    const key = cleanHeader(cell).key;
    if (lookup.has(key) || mapping.ignoredByMapping.has(index) || ROW_NUMBER.test(key)) taken.add(index);
  });
  const width = Math.max(headerCells.length, ...samples.map((r) => r.length));

  // What each family still needs: every unplaced ID column, and the first inferable
  // alternative of each missing required group.
  const wanted = new Map<Family, ColumnSpec[]>();
  const want = (column: ColumnSpec) => {
    const family = familyOf(column);
    if (!family || placed.has(column.name)) return;
    const list = wanted.get(family) ?? [];
    if (!list.includes(column)) list.push(column);
    wanted.set(family, list);
  };
  for (const column of columns) if (familyOf(column) === 'id') want(column);
  for (const group of KIND_SPECS[kind].required) {
    if (group.some((name) => placed.has(name))) continue;
    const first = group.map((name) => columns.find((c) => c.name === name)).find((c) => c && familyOf(c));
    if (first) want(first);
  }

  const added: MappedColumn[] = [];
  const warnings: string[] = [];
  for (const family of FAMILY_ORDER) {
    const candidates: Candidate[] = [];
    for (let index = 0; index < width; index++) {
      if (taken.has(index)) continue;
      const values = samples.map((row) => row[index] ?? null).filter((cell) => !isBlankCell(cell));
      if (values.length === 0) continue;
      const fitting = values.filter(FITS[family]).length;
      if (fitting / values.length >= CONTENT_THRESHOLD)
        candidates.push({ index, header: mapping.originalHeaders[index] ?? `第${index + 1}列` });
    }
    if (candidates.length === 0) continue;
    // An ID column is claimed here even when unplaced, so it is not taken for an amount.
    if (family === 'id') for (const c of candidates) taken.add(c.index);
    const targets = wanted.get(family) ?? [];
    const { assigned, open, left } = assign(kind, targets, candidates);
    for (const [column, candidate] of assigned) {
      added.push({ index: candidate.index, column, how: 'content' });
      taken.add(candidate.index);
    }
    if (open.length > 0 && left.length > 0) {
      throw new NeedsMappingError(
        needsMappingMessage(family, open, left),
        left.map((c) => c.header),
        open.map((c) => c.name),
      );
    }
    if (family === 'id')
      for (const c of left)
        warnings.push(`列「${c.header}」的内容是身份证号，但本数据类型的身份证号列都已确定，该列未使用`);
  }

  const mapped = [...mapping.mapped, ...added].sort((a, b) => a.index - b.index);
  return { mapping: { ...mapping, mapped, ...requiredGroups(kind, mapped) }, warnings };
}

/**
 * Match targets to candidates: a candidate whose header names exactly one target's role takes
 * it; then a single target left and a single plain candidate left go together. Anything else is
 * left open — never a guess.
 */
function assign(
  kind: DatasetKind,
  targets: readonly ColumnSpec[],
  candidates: readonly Candidate[],
): { assigned: Map<ColumnSpec, Candidate>; open: ColumnSpec[]; left: Candidate[] } {
  const assigned = new Map<ColumnSpec, Candidate>();
  const rolesOf = (c: Candidate) => targets.filter((t) => roleWords(kind, t.name)?.test(c.header));
  for (const target of targets) {
    const naming = candidates.filter((c) => rolesOf(c).includes(target));
    const only = naming[0];
    if (naming.length === 1 && only && rolesOf(only).length === 1 && !OTHER_PARTY.test(only.header))
      assigned.set(target, only);
  }
  const used = new Set([...assigned.values()].map((c) => c.index));
  let open = targets.filter((t) => !assigned.has(t));
  let left = candidates.filter((c) => !used.has(c.index));
  const [target] = open;
  const [candidate] = left;
  if (open.length === 1 && left.length === 1 && target && candidate && !OTHER_PARTY.test(candidate.header)) {
    assigned.set(target, candidate);
    open = [];
    left = [];
  }
  return { assigned, open, left };
}

const FAMILY_WORDS: Readonly<Record<Family, string>> = {
  id: '身份证号',
  plate: '号牌号码',
  credit_code: '统一社会信用代码',
  date: '日期',
  amount: '金额',
  name: '姓名',
};

function needsMappingMessage(
  family: Family,
  open: readonly ColumnSpec[],
  left: readonly Candidate[],
): string {
  const headers = left.map((c) => `「${c.header}」`).join('');
  const targets = open.map(columnLabel).join('、');
  const example = `${left[0]?.header ?? '列名'}=${open[0]?.name ?? 'id_number'}`;
  return (
    `文件中${headers}${left.length > 1 ? '这几列' : '这一列'}的内容看起来是${FAMILY_WORDS[family]}，` +
    `但无法确定${left.length > 1 ? '哪一列' : '它是否'}是${targets}。` +
    `请指定列映射（例如 npm run cli -- upload <目录> --map ${example}，或 PUT /api/v1/column-mappings），` +
    '指定后本文件无需重新上传即可生效；不需要的列可映射为 ignore'
  );
}
