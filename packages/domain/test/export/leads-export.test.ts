import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { LEAD_EXPORT_COLUMNS, leadsToCsv } from '../../src/export/leads-export.js';
import { reconcileLead } from '../../src/leads/lifecycle.js';
import { scoreFindings } from '../../src/leads/score.js';
import type { Lead } from '../../src/model.js';
import { normalizeIdNumber } from '../../src/normalize/id.js';
import { finding, PERSON, SCORING } from '../leads/findings.js';

const NOW = { runId: 'run-1', now: '2024-01-02T03:04:05.000Z' };

function leadOf(...args: Parameters<typeof finding>): Lead {
  const scored = scoreFindings([finding(...args)], SCORING)[0];
  if (!scored) throw new Error('no scored finding');
  return reconcileLead(undefined, scored, NOW).lead;
}

const PLAIN = { ...leadOf(), status: 'assigned' as const, assignee: 'inspector-7' };
// Hostile and awkward text from department files: quotes, commas, line breaks, formula starts.
const AWKWARD = leadOf({
  rule: 'R08',
  subjectKey: 'awkward',
  subject: '=HYPERLINK("http://x","点我"), 第二行\r\n第三行',
  idNumber: '430521199001010025',
  name: '@SUM(1+1)',
  township: '+灰山港镇',
  village: '-石门村',
  amount: 5,
  match: 'repaired_id',
});
const NO_ID = leadOf({
  rule: 'R06',
  subjectKey: 'no-id',
  idNumber: undefined,
  name: undefined,
  village: undefined,
  amount: 123_456_789,
});

function parseCsv(csv: string): Record<string, string>[] {
  return parse(csv, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
}

describe('leadsToCsv', () => {
  it('starts with a BOM, uses CRLF and the contract columns (canonical headers for scripts)', () => {
    const csv = leadsToCsv([PLAIN], 'canonical');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')[0]).toBe(LEAD_EXPORT_COLUMNS.join(','));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toContain('\n');
    expect(leadsToCsv([], 'canonical')).toBe(`\uFEFF${LEAD_EXPORT_COLUMNS.join(',')}\r\n`);
  });

  it('is written for people by default: Chinese headers, rule titles, statuses and China-time days', () => {
    const [header, line] = leadsToCsv([PLAIN]).slice(1).split('\r\n');
    expect(header).toBe(
      '线索编号,规则,对象,身份证号,姓名,乡镇,村（社区）,涉及金额（元）,评分,比对方式,状态,承办人,证据条数,发现日期,核实金额（元）,追回金额（元）',
    );
    expect(line).toContain(',R01 死亡人员领取补贴,');
    expect(line).toContain(`,"${PERSON}",`);
    expect(line).toContain(',1500.00,');
    expect(line).toContain(',已指派,');
    expect(line).toContain(',2024-01-02,');
  });

  it('parses back to the same values', () => {
    const rows = parseCsv(leadsToCsv([PLAIN, NO_ID], 'canonical'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      lead_id: PLAIN.leadId,
      rule: 'R01',
      subject: '张三 · 农村最低生活保障',
      id_number: PERSON,
      name: '张三',
      township: '灰山港镇',
      village: '石门村',
      amount: '1500.00',
      score: String(PLAIN.score),
      match: 'id',
      status: 'assigned',
      assignee: 'inspector-7',
      evidence_count: '4',
      created_at: '2024-01-02T03:04:05.000Z',
      verified_amount: '',
      recovered_amount: '',
    });
    expect(rows[1]).toMatchObject({
      id_number: '',
      name: '',
      village: '',
      amount: '1234567.89',
      assignee: '',
      status: 'new',
    });
  });

  it('writes ID numbers so they survive Excel and read back through the ID normalizer', () => {
    const rows = parseCsv(leadsToCsv([PLAIN, AWKWARD], 'canonical'));
    expect(rows.map((row) => normalizeIdNumber(row.id_number).id)).toEqual([PERSON, '430521199001010025']);
    expect(rows.map((row) => normalizeIdNumber(row.id_number).status)).toEqual(['as_given', 'as_given']);
  });

  it('quotes per RFC 4180 and defuses formula cells', () => {
    const csv = leadsToCsv([AWKWARD], 'canonical');
    const [row] = parseCsv(csv);
    expect(row?.subject).toBe(`'=HYPERLINK("http://x","点我"), 第二行\r\n第三行`);
    expect(row?.name).toBe(`'@SUM(1+1)`);
    expect(row?.township).toBe(`'+灰山港镇`);
    expect(row?.village).toBe(`'-石门村`);
    expect(row?.amount).toBe('0.05');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""点我""), 第二行\r\n第三行"`);
  });
});
