import { STATUS_LABELS } from '../leads/workflow.js';
import type { Lead, MatchQuality } from '../model.js';
import { yuanText } from '../money.js';
import { RULE_CATALOG } from '../rules/catalog.js';
import { chinaDay } from '../time.js';
import { csvDocument, csvOwn, csvText } from './cells.js';

/**
 * The lead export (CONTRACT.md §6), one row a lead. By default it is for people: Chinese
 * headers and labels (`R01 死亡人员领取补贴`, `核查中`), amounts in 元 with two decimals, the
 * China-time day a lead was found, and the verified and recovered amounts. `canonical` gives the
 * contract's column names and codes for scripts. ID numbers are text either way: a text cell in
 * XLSX, a plainly quoted field in CSV.
 */

/** Columns of the lead export, in order: the contract's, then the verdict's amounts. */
export const LEAD_EXPORT_COLUMNS = [
  'lead_id',
  'rule',
  'subject',
  'id_number',
  'name',
  'township',
  'village',
  'amount',
  'score',
  'match',
  'status',
  'assignee',
  'evidence_count',
  'created_at',
  'verified_amount',
  'recovered_amount',
] as const;

export type LeadExportColumn = (typeof LEAD_EXPORT_COLUMNS)[number];

/** Header style: Chinese for people (default), or the canonical names for scripts. */
export const LEAD_EXPORT_HEADERS = ['zh', 'canonical'] as const;
export type LeadExportHeaders = (typeof LEAD_EXPORT_HEADERS)[number];

/** The Chinese header of each column. */
export const LEAD_EXPORT_HEADERS_ZH: Readonly<Record<LeadExportColumn, string>> = {
  lead_id: '线索编号',
  rule: '规则',
  subject: '对象',
  id_number: '身份证号',
  name: '姓名',
  township: '乡镇',
  village: '村（社区）',
  amount: '涉及金额（元）',
  score: '评分',
  match: '比对方式',
  status: '状态',
  assignee: '承办人',
  evidence_count: '证据条数',
  created_at: '发现日期',
  verified_amount: '核实金额（元）',
  recovered_amount: '追回金额（元）',
};

/** How a lead's person was matched, in words. */
const MATCH_LABELS: Readonly<Record<MatchQuality, string>> = {
  id: '身份证号',
  repaired_id: '身份证号（已修复）',
  name_village: '姓名 + 村',
};

/** Amount columns: numbers in 元 (`0.00` in XLSX, two decimals in CSV). */
export const LEAD_EXPORT_AMOUNTS: ReadonlySet<LeadExportColumn> = new Set([
  'amount',
  'verified_amount',
  'recovered_amount',
]);

/** MIME types of the two export formats. */
export const LEAD_EXPORT_CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** The header row in the chosen style. */
export function leadExportHeaders(headers: LeadExportHeaders = 'zh'): string[] {
  return LEAD_EXPORT_COLUMNS.map((c) => (headers === 'zh' ? LEAD_EXPORT_HEADERS_ZH[c] : c));
}

/**
 * One lead as export cells: text; a number for score and evidence count; amounts as fen
 * (`null` when there is none, e.g. no verdict yet), which the writers turn into 元. The CSV is
 * written here; the XLSX by the API (`@jiandu/api/lead-workbook`), as the domain imports no
 * file-format library.
 */
export function leadExportCells(
  lead: Lead,
  headers: LeadExportHeaders = 'zh',
): Record<LeadExportColumn, string | number | null> {
  const zh = headers === 'zh';
  return {
    lead_id: lead.leadId,
    rule: zh ? `${lead.rule} ${RULE_CATALOG[lead.rule]?.title.zh ?? ''}`.trim() : lead.rule,
    subject: lead.subject,
    id_number: lead.idNumber ?? '',
    name: lead.name ?? '',
    township: lead.township ?? '',
    village: lead.village ?? '',
    amount: lead.amount,
    score: lead.score,
    match: zh ? MATCH_LABELS[lead.match] : lead.match,
    status: zh ? STATUS_LABELS[lead.status] : lead.status,
    assignee: lead.assignee ?? '',
    evidence_count: lead.evidence.length,
    created_at: zh ? chinaDay(lead.createdAt) : lead.createdAt,
    verified_amount: lead.verdict?.verifiedAmount ?? null,
    recovered_amount: lead.verdict?.recoveredAmount ?? null,
  };
}

function csvField(column: LeadExportColumn, value: string | number | null): string {
  if (value === null) return '';
  if (LEAD_EXPORT_AMOUNTS.has(column)) return csvOwn(yuanText(value as number));
  if (typeof value === 'number') return csvOwn(String(value));
  // Quoted, so a program reading the CSV sees text; no invisible prefix that a re-upload must strip.
  const text = csvText(value);
  return column === 'id_number' && value !== '' && !text.startsWith('"') ? `"${text}"` : text;
}

/**
 * Leads as CSV for Excel (CONTRACT.md §6): UTF-8 with a BOM, CRLF line ends, RFC 4180
 * quoting, amounts in 元 with two decimals, ID numbers quoted, every text cell neutralised
 * against formula injection (`export/cells.ts`).
 */
export function leadsToCsv(leads: readonly Lead[], headers: LeadExportHeaders = 'zh'): string {
  const lines: string[][] = [leadExportHeaders(headers).map(csvOwn)];
  for (const lead of leads) {
    const cells = leadExportCells(lead, headers);
    lines.push(LEAD_EXPORT_COLUMNS.map((column) => csvField(column, cells[column])));
  }
  return csvDocument(lines);
}
