import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/leads/lead-id.js';
import { SCORE_WEIGHTS, scoreFindings } from '../../src/leads/score.js';
import type { Finding, MatchQuality } from '../../src/model.js';
import { finding, PERSON, paymentEvidence, SCORING, TEST_KEYS } from './findings.js';

const one = (f: Finding) =>
  scoreFindings([f], SCORING)[0] as NonNullable<ReturnType<typeof scoreFindings>[number]>;

describe('scoreFindings', () => {
  it('explains the score with factors that sum to it', () => {
    const scored = one(finding());
    expect(scored.leadId).toBe(leadIdFor('R01', `${PERSON}|DIBAO_RURAL`, TEST_KEYS.leadIds));
    expect(scored.scoreBreakdown).toEqual([
      { factor: 'amount', points: 32, reason: '涉及金额 ¥1,500.00' },
      { factor: 'match', points: 25, reason: '身份证号直接匹配' },
      { factor: 'rules', points: 0, reason: '仅触发本条规则' },
      { factor: 'recurrence', points: 10, reason: '涉及 3 笔资金记录' },
    ]);
    expect(scored.score).toBe(67);
  });

  it('counts distinct rules of the same person in the batch', () => {
    const scored = scoreFindings(
      [
        finding(),
        finding({ rule: 'R06', subjectKey: `${PERSON}|DIBAO_RURAL|2023-05` }),
        finding({ rule: 'R06', subjectKey: `${PERSON}|DIBAO_RURAL|2023-06` }),
        finding({ rule: 'R08' }),
        finding({ idNumber: '430521195001010014', subjectKey: 'other' }),
      ],
      SCORING,
    );
    expect(scored.map((s) => s.scoreBreakdown.find((f) => f.factor === 'rules')?.points)).toEqual([
      20, 20, 20, 20, 0,
    ]);
    expect(scored[0]?.scoreBreakdown[2]?.reason).toBe('同一人触发 3 条规则（R01、R06、R08）');
  });

  it('keeps every score in 0–100 with a breakdown summing to it', () => {
    const matches: MatchQuality[] = ['id', 'repaired_id', 'name_village'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.constantFrom(...matches),
        fc.integer({ min: 0, max: 40 }),
        (amount, match, rows) => {
          const scored = one(finding({ amount, match, evidence: paymentEvidence(rows) }));
          expect(scored.score).toBeGreaterThanOrEqual(0);
          expect(scored.score).toBeLessThanOrEqual(100);
          expect(scored.scoreBreakdown.reduce((s, f) => s + f.points, 0)).toBe(scored.score);
          for (const f of scored.scoreBreakdown) {
            expect(f.points).toBeLessThanOrEqual(SCORE_WEIGHTS[f.factor as keyof typeof SCORE_WEIGHTS]);
          }
        },
      ),
    );
    // Every factor at its cap: huge amount, ID match, three rules, many payments.
    const maxed = scoreFindings(
      (['R01', 'R06', 'R08'] as const).map((rule) =>
        finding({ rule, subjectKey: rule, amount: 1e12, evidence: paymentEvidence(50) }),
      ),
      SCORING,
    );
    expect(maxed.map((s) => s.score)).toEqual([100, 100, 100]);
  });

  it('never lowers the score for more money, a surer match or more payments', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (a, b, m, n) => {
          const [lowAmount, highAmount] = a <= b ? [a, b] : [b, a];
          const [few, many] = m <= n ? [m, n] : [n, m];
          const base = one(finding({ amount: lowAmount, evidence: paymentEvidence(few) })).score;
          expect(
            one(finding({ amount: highAmount, evidence: paymentEvidence(few) })).score,
          ).toBeGreaterThanOrEqual(base);
          expect(
            one(finding({ amount: lowAmount, evidence: paymentEvidence(many) })).score,
          ).toBeGreaterThanOrEqual(base);
        },
      ),
    );
    const byMatch = (['name_village', 'repaired_id', 'id'] as const).map(
      (match) => one(finding({ match })).score,
    );
    expect(byMatch[0]).toBeLessThan(byMatch[1] as number);
    expect(byMatch[1]).toBeLessThan(byMatch[2] as number);
    expect(one(finding({ amount: 100_000_000 })).score).toBeGreaterThan(
      one(finding({ amount: 10_000 })).score,
    );
  });

  it('is deterministic and keeps input order', () => {
    const input = [finding({ amount: 1 }), finding({ rule: 'R06', subjectKey: 'x', amount: 9_999_999 })];
    expect(scoreFindings(input, SCORING)).toEqual(scoreFindings(input, SCORING));
    expect(scoreFindings(input, SCORING).map((s) => s.rule)).toEqual(['R01', 'R06']);
    expect(scoreFindings(input, SCORING)[0]?.leadId).toBe(
      leadIdFor('R01', input[0]?.subjectKey ?? '', TEST_KEYS.leadIds),
    );
  });
});
