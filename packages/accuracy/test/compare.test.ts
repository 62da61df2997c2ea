import { describe, expect, it } from 'vitest';
import {
  ALL_RULES,
  compareLeads,
  type Expected,
  type Found,
  missedTargets,
  pct,
  ratio,
} from '../src/compare.js';
import { maskIds, reportErrors, reportTable } from '../src/format.js';

const ID = '431199195001011234';

function expected(
  rule: Expected['rule'],
  subjectKey: string,
  amount: number,
  extra: Partial<Expected> = {},
): Expected {
  return { rule, subjectKey, amount, match: 'id', needsRepair: false, needsFallback: false, ...extra };
}

function found(
  rule: Found['rule'],
  subjectKey: string,
  amountFen: number,
  extra: Partial<Found> = {},
): Found {
  return { rule, subjectKey, amountFen, match: 'id', status: 'new', ...extra };
}

describe('compareLeads', () => {
  it('pairs leads by rule and subject key and counts a perfect run as 100%', () => {
    const truth = [
      expected('R01', `${ID}|DIBAO_RURAL`, 36_500),
      expected('R06', `${ID}|DIBAO_RURAL|2023-03`, 29_200),
    ];
    const report = compareLeads(
      truth,
      [found('R01', `${ID}|DIBAO_RURAL`, 36_500), found('R06', `${ID}|DIBAO_RURAL|2023-03`, 29_200)],
      ['R01', 'R06'],
    );
    const r01 = report.rules.find((r) => r.rule === 'R01');
    expect(r01).toMatchObject({ expected: 1, found: 1, truePositives: 1, implemented: true });
    expect(r01?.precision.value).toBe(1);
    expect(r01?.recall.value).toBe(1);
    expect(r01?.amountAccuracy.value).toBe(1);
    expect(report.total).toMatchObject({ expected: 2, found: 2, truePositives: 2 });
    expect(missedTargets(report)).toEqual([]);
    expect(report.rules.map((r) => r.rule)).toEqual(ALL_RULES);
  });

  it('does not pair the same subject key across rules', () => {
    const report = compareLeads(
      [expected('R04', `${ID}|DIBAO_RURAL`, 100)],
      [found('R07', `${ID}|DIBAO_RURAL`, 100)],
      ['R04', 'R07'],
    );
    const r04 = report.rules.find((r) => r.rule === 'R04');
    const r07 = report.rules.find((r) => r.rule === 'R07');
    expect(r04?.recall).toEqual({ hits: 0, of: 1, value: 0 });
    expect(r07?.precision).toEqual({ hits: 0, of: 1, value: 0 });
    expect(missedTargets(report)).toEqual([
      'R04: recall 0.0% < 99%',
      'R07: the county has no expected lead to measure',
      'R07: precision 0.0% < 99%',
    ]);
  });

  it('counts missed and unexpected leads and names a few of them, IDs masked when printed', () => {
    const truth = Array.from({ length: 100 }, (_, i) => expected('R08', `${ID}|P${i}`, 100));
    const platform = [
      ...truth.slice(1).map((e) => found('R08', e.subjectKey, 100)),
      found('R08', `${ID}|EXTRA`, 5),
    ];
    const report = compareLeads(truth, platform, ['R08']);
    const r08 = report.rules.find((r) => r.rule === 'R08');
    expect(r08).toMatchObject({ expected: 100, found: 100, truePositives: 99 });
    expect(r08?.precision.value).toBeCloseTo(0.99);
    expect(r08?.recall.value).toBeCloseTo(0.99);
    expect(r08?.missed).toEqual([`${ID}|P0`]);
    expect(r08?.unexpected).toEqual([`${ID}|EXTRA`]);
    // Exactly at the target passes.
    expect(missedTargets(report)).toEqual([]);
    const printed = reportErrors(report).join('\n');
    expect(printed).toContain('R08 missed: 431199********1234|P0');
    expect(printed).not.toContain(ID);
  });

  it('ignores superseded leads: they are history, not findings', () => {
    const report = compareLeads(
      [expected('R01', 'a', 1)],
      [found('R01', 'a', 1), found('R01', 'b', 1, { status: 'superseded' })],
      ['R01'],
    );
    expect(report.rules[0]).toMatchObject({ found: 1, truePositives: 1 });
    expect(report.rules[0]?.precision.value).toBe(1);
  });

  it('measures amounts to the fen and match quality separately from finding the lead', () => {
    const report = compareLeads(
      [expected('R10', 'v|p', 5_000_000), expected('R10', 'v|q', 5_300_000, { match: 'name_village' })],
      [found('R10', 'v|p', 5_000_001), found('R10', 'v|q', 5_300_000)],
      ['R10'],
    );
    const r10 = report.rules.find((r) => r.rule === 'R10');
    expect(r10?.recall.value).toBe(1);
    expect(r10?.amountAccuracy).toEqual({ hits: 1, of: 2, value: 0.5 });
    expect(r10?.matchAgreement).toEqual({ hits: 1, of: 2, value: 0.5 });
    expect(r10?.wrongAmounts).toEqual([{ subjectKey: 'v|p', expected: 5_000_000, found: 5_000_001 }]);
  });

  it('reports recall on repaired-ID and name + village subjects, and holds the pooled fallback target', () => {
    const truth = [
      expected('R01', 'a', 1, { needsFallback: true }),
      expected('R04', 'b', 1, { needsFallback: true }),
      expected('R04', 'c', 1, { needsRepair: true }),
      ...Array.from({ length: 200 }, (_, i) => expected('R04', `d${i}`, 1)),
    ];
    const platform = truth.filter((e) => e.subjectKey !== 'b').map((e) => found(e.rule, e.subjectKey, 1));
    const report = compareLeads(truth, platform, ['R01', 'R04']);
    const r04 = report.rules.find((r) => r.rule === 'R04');
    expect(r04?.repairRecall).toEqual({ hits: 1, of: 1, value: 1 });
    expect(r04?.fallbackRecall).toEqual({ hits: 0, of: 1, value: 0 });
    expect(report.total.fallbackRecall).toEqual({ hits: 1, of: 2, value: 0.5 });
    expect(missedTargets(report)).toEqual(['all rules: name + village fallback recall 50.0% < 90%']);
  });

  it('reports rules that are not implemented without judging them or counting them in the totals', () => {
    const report = compareLeads(
      [expected('R01', 'a', 1), expected('R12', 'XM1', 9)],
      [found('R01', 'a', 1)],
      ['R01'],
    );
    const r12 = report.rules.find((r) => r.rule === 'R12');
    expect(r12).toMatchObject({ implemented: false, expected: 1, found: 0 });
    expect(report.total.expected).toBe(1);
    expect(missedTargets(report)).toEqual([]);
    expect(reportTable(report)).toContain('| R12 (not implemented) | 1 | 0 | 0 | — | 0.0% |');
  });

  it('fails an implemented rule the county has no lead for: there is nothing to measure it on', () => {
    const report = compareLeads([expected('R01', 'a', 1)], [found('R01', 'a', 1)], ['R01', 'R02']);
    expect(missedTargets(report)).toEqual(['R02: the county has no expected lead to measure']);
  });

  it('applies custom targets', () => {
    const truth = Array.from({ length: 10 }, (_, i) => expected('R11', `v|${i}`, 1));
    const report = compareLeads(
      truth,
      truth.slice(1).map((e) => found('R11', e.subjectKey, 1)),
      ['R11'],
    );
    expect(missedTargets(report)).toEqual(['R11: recall 90.0% < 99%']);
    expect(missedTargets(report, { precision: 0.9, recall: 0.9, fallbackRecall: 0.9 })).toEqual([]);
  });
});

describe('figures as text', () => {
  it('prints percentages rounded down to one decimal, and a dash when there is nothing to measure', () => {
    expect(pct(ratio(0, 0))).toBe('—');
    expect(pct(ratio(999, 1000))).toBe('99.9%');
    expect(pct(ratio(9999, 10000))).toBe('99.9%');
    expect(pct(ratio(2, 2))).toBe('100.0%');
  });

  it('renders a Markdown table with one line per rule and the totals', () => {
    const report = compareLeads(
      [expected('R01', 'a', 1, { needsRepair: true })],
      [found('R01', 'a', 1)],
      ['R01'],
    );
    const lines = reportTable(report).split('\n');
    expect(lines).toHaveLength(2 + 12 + 1);
    expect(lines[0]).toMatch(/^\| rule \| expected \| found \| TP \| precision \| recall \|/);
    expect(lines[2]).toBe('| R01 | 1 | 1 | 1 | 100.0% | 100.0% | 100.0% | 100.0% | 100.0% (1/1) | — |');
    expect(lines[14]).toMatch(/^\| all implemented \| 1 \| 1 \| 1 \|/);
  });

  it('masks 18-digit ID numbers, including an X check character', () => {
    expect(maskIds('43119919500101123X|DIBAO_RURAL and 431199195001011234')).toBe(
      '431199********123X|DIBAO_RURAL and 431199********1234',
    );
  });
});
