import type { DatasetKind } from '../kinds.js';
import type { Finding, Lead, MatchQuality } from '../model.js';
import { formatYuan } from '../rules/common.js';
import { leadIdFor } from './lead-id.js';

/** One part of a lead's score. */
export type ScoreFactor = Lead['scoreBreakdown'][number];

/** A finding with its lead id and score, ready to be reconciled with the stored lead. */
export interface ScoredFinding extends Finding {
  readonly leadId: string;
  /** 0–100, the sum of `scoreBreakdown` points. */
  readonly score: number;
  readonly scoreBreakdown: readonly ScoreFactor[];
}

/** Options of {@link scoreFindings}. */
export interface ScoreOptions {
  /** The platform's lead-id key (`PlatformKeys.leadIds`): lead ids are HMACs under it. */
  readonly leadIdKey: Uint8Array;
}

/** Maximum points per factor; they add up to 100. */
export const SCORE_WEIGHTS = { amount: 40, match: 25, rules: 20, recurrence: 15 } as const;

const MATCH_POINTS: Readonly<Record<MatchQuality, number>> = { id: 25, repaired_id: 15, name_village: 5 };
const MATCH_REASONS: Readonly<Record<MatchQuality, string>> = {
  id: '身份证号直接匹配',
  repaired_id: '身份证号经修复后匹配',
  name_village: '仅按姓名与村（社区）匹配',
};
/** Evidence kinds that are money paid out: how often it recurred. */
const PAYMENT_KINDS: ReadonlySet<DatasetKind> = new Set(['subsidy_payments', 'village_finance']);

/** Amount points: 10 per decade of yuan (¥10 → 10, ¥100 → 20, ¥1,000 → 30, ≥ ¥10,000 → 40). */
function amountPoints(fen: number): number {
  const yuan = Math.max(0, fen) / 100;
  return Math.min(SCORE_WEIGHTS.amount, Math.round(10 * Math.log10(1 + yuan)));
}

/** Cross-rule points: 10 per further distinct rule the same person trips, at most 20. */
function rulePoints(distinctRules: number): number {
  return Math.min(SCORE_WEIGHTS.rules, 10 * Math.max(0, distinctRules - 1));
}

/** Recurrence points: 5·log2(1 + n) for n payment rows (1 → 5, 3 → 10, ≥ 7 → 15). */
function recurrencePoints(paymentRows: number): number {
  return Math.min(SCORE_WEIGHTS.recurrence, Math.round(5 * Math.log2(1 + paymentRows)));
}

/**
 * Score findings 0–100 so inspectors see the most promising leads first. The score is the
 * sum of four integer factors, each returned in the breakdown with a Chinese reason:
 *
 * | factor | points |
 * |---|---|
 * | `amount` | min(40, round(10 · log10(1 + amount in 元))) |
 * | `match` | `id` 25, `repaired_id` 15, `name_village` 5 |
 * | `rules` | min(20, 10 · (distinct rules tripped by the same ID number in `findings` − 1)) |
 * | `recurrence` | min(15, round(5 · log2(1 + payment evidence rows))) |
 *
 * Each factor is non-decreasing in its input, so more money, a surer match, more rules or
 * more payments never lower the score. Deterministic; output is in input order.
 */
export function scoreFindings(findings: readonly Finding[], options: ScoreOptions): ScoredFinding[] {
  const rulesById = new Map<string, Set<string>>();
  for (const finding of findings) {
    if (finding.idNumber === undefined) continue;
    const rules = rulesById.get(finding.idNumber) ?? new Set<string>();
    rules.add(finding.rule);
    rulesById.set(finding.idNumber, rules);
  }

  return findings.map((finding) => {
    const rules =
      finding.idNumber === undefined ? [finding.rule] : [...(rulesById.get(finding.idNumber) ?? [])].sort();
    const paymentRows = finding.evidence.filter((e) => PAYMENT_KINDS.has(e.kind)).length;
    const breakdown: ScoreFactor[] = [
      {
        factor: 'amount',
        points: amountPoints(finding.amount),
        reason: `涉及金额 ${formatYuan(finding.amount)}`,
      },
      { factor: 'match', points: MATCH_POINTS[finding.match], reason: MATCH_REASONS[finding.match] },
      {
        factor: 'rules',
        points: rulePoints(rules.length),
        reason:
          rules.length > 1 ? `同一人触发 ${rules.length} 条规则（${rules.join('、')}）` : '仅触发本条规则',
      },
      {
        factor: 'recurrence',
        points: recurrencePoints(paymentRows),
        reason: paymentRows > 0 ? `涉及 ${paymentRows} 笔资金记录` : '无资金发放记录',
      },
    ];
    return {
      ...finding,
      leadId: leadIdFor(finding.rule, finding.subjectKey, options.leadIdKey),
      score: breakdown.reduce((sum, f) => sum + f.points, 0),
      scoreBreakdown: breakdown,
    };
  });
}
