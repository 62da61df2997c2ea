/**
 * Comparing the leads the platform produced with the demo county's ground truth. Pure: no
 * I/O, so every figure `npm run accuracy` prints is unit-tested.
 */
import type { MatchQuality, RuleCode } from '@jiandu/domain/model';
import { RULES } from '@jiandu/domain/rules/registry';

/** A lead the truth expects (the fields of `@jiandu/demo`'s `ExpectedLead` that are measured). */
export interface Expected {
  readonly rule: RuleCode;
  readonly subjectKey: string;
  /** Integer fen. */
  readonly amount: number;
  readonly match: MatchQuality;
  readonly needsRepair: boolean;
  readonly needsFallback: boolean;
}

/** A lead as the platform's API returns it. */
export interface Found {
  readonly rule: RuleCode;
  readonly subjectKey: string;
  readonly amountFen: number;
  readonly match: MatchQuality;
  readonly status: string;
}

/** A share with what it is a share of; `value` is `null` when there is nothing to measure. */
export interface Ratio {
  readonly hits: number;
  readonly of: number;
  readonly value: number | null;
}

/** The figures of one rule. */
export interface RuleFigures {
  readonly rule: RuleCode;
  /** Whether the platform implements the rule (unimplemented rules are reported, not judged). */
  readonly implemented: boolean;
  readonly expected: number;
  /** Live leads found (superseded ones are history, not findings). */
  readonly found: number;
  readonly truePositives: number;
  readonly precision: Ratio;
  readonly recall: Ratio;
  /** Share of true positives whose amount equals the truth to the fen. */
  readonly amountAccuracy: Ratio;
  /** Share of true positives whose match quality equals the truth's. */
  readonly matchAgreement: Ratio;
  /** Recall on expected leads that needed a 15-digit ID repaired. */
  readonly repairRecall: Ratio;
  /** Recall on expected leads that needed the name + village fallback. */
  readonly fallbackRecall: Ratio;
  /** A few subject keys of each kind of error, to start debugging from. */
  readonly missed: readonly string[];
  readonly unexpected: readonly string[];
  readonly wrongAmounts: readonly { subjectKey: string; expected: number; found: number }[];
}

/** The whole comparison. */
export interface AccuracyReport {
  readonly rules: readonly RuleFigures[];
  /** Pooled over implemented rules. */
  readonly total: Omit<RuleFigures, 'rule' | 'implemented' | 'missed' | 'unexpected' | 'wrongAmounts'>;
}

/** What counts as good enough (issue 4: 0.99 / 0.99 per rule, fallback recall 0.9). */
export interface Targets {
  readonly precision: number;
  readonly recall: number;
  readonly fallbackRecall: number;
}

export const DEFAULT_TARGETS: Targets = { precision: 0.99, recall: 0.99, fallbackRecall: 0.9 };

/** Every registered rule, in code order. */
export const ALL_RULES: readonly RuleCode[] = RULES.map((rule) => rule.code);

const SAMPLE = 5;

/** `hits / of`, or `null` when `of` is 0. */
export function ratio(hits: number, of: number): Ratio {
  return { hits, of, value: of === 0 ? null : hits / of };
}

function figures(
  expected: readonly Expected[],
  found: readonly Found[],
): Omit<RuleFigures, 'rule' | 'implemented'> {
  const live = found.filter((f) => f.status !== 'superseded');
  const byKey = new Map(live.map((f) => [`${f.rule}|${f.subjectKey}`, f]));
  const expectedKeys = new Set(expected.map((e) => `${e.rule}|${e.subjectKey}`));
  let tp = 0;
  let amountOk = 0;
  let matchOk = 0;
  const missed: string[] = [];
  const wrongAmounts: { subjectKey: string; expected: number; found: number }[] = [];
  const hitRepair = { hits: 0, of: 0 };
  const hitFallback = { hits: 0, of: 0 };
  for (const e of expected) {
    const f = byKey.get(`${e.rule}|${e.subjectKey}`);
    if (e.needsRepair) hitRepair.of++;
    if (e.needsFallback) hitFallback.of++;
    if (!f) {
      missed.push(e.subjectKey);
      continue;
    }
    tp++;
    if (e.needsRepair) hitRepair.hits++;
    if (e.needsFallback) hitFallback.hits++;
    if (f.amountFen === e.amount) amountOk++;
    else wrongAmounts.push({ subjectKey: e.subjectKey, expected: e.amount, found: f.amountFen });
    if (f.match === e.match) matchOk++;
  }
  const unexpected = live
    .filter((f) => !expectedKeys.has(`${f.rule}|${f.subjectKey}`))
    .map((f) => f.subjectKey);
  return {
    expected: expected.length,
    found: live.length,
    truePositives: tp,
    precision: ratio(tp, live.length),
    recall: ratio(tp, expected.length),
    amountAccuracy: ratio(amountOk, tp),
    matchAgreement: ratio(matchOk, tp),
    repairRecall: ratio(hitRepair.hits, hitRepair.of),
    fallbackRecall: ratio(hitFallback.hits, hitFallback.of),
    missed: missed.sort().slice(0, SAMPLE),
    unexpected: unexpected.sort().slice(0, SAMPLE),
    wrongAmounts: wrongAmounts.slice(0, SAMPLE),
  };
}

/**
 * Pair found leads with expected ones by (rule, subject key) and measure each rule. Rules not
 * in `implemented` are measured too (their `found` is whatever the platform stored, usually
 * nothing) but flagged, and left out of the totals.
 */
export function compareLeads(
  expected: readonly Expected[],
  found: readonly Found[],
  implemented: readonly RuleCode[],
): AccuracyReport {
  const on = new Set(implemented);
  const rules = ALL_RULES.map((rule) => ({
    rule,
    implemented: on.has(rule),
    ...figures(
      expected.filter((e) => e.rule === rule),
      found.filter((f) => f.rule === rule),
    ),
  }));
  const {
    missed: _m,
    unexpected: _u,
    wrongAmounts: _w,
    ...total
  } = figures(
    expected.filter((e) => on.has(e.rule)),
    found.filter((f) => on.has(f.rule)),
  );
  return { rules, total };
}

/** Every target an implemented rule misses, in words; empty when all are met. */
export function missedTargets(report: AccuracyReport, targets: Targets = DEFAULT_TARGETS): string[] {
  const out: string[] = [];
  const below = (r: Ratio, target: number) => r.value !== null && r.value < target;
  for (const r of report.rules) {
    if (!r.implemented) continue;
    if (r.expected === 0) out.push(`${r.rule}: the county has no expected lead to measure`);
    if (below(r.precision, targets.precision))
      out.push(`${r.rule}: precision ${pct(r.precision)} < ${targets.precision * 100}%`);
    if (below(r.recall, targets.recall))
      out.push(`${r.rule}: recall ${pct(r.recall)} < ${targets.recall * 100}%`);
    // A rule that finds nothing at all has no precision; it fails on recall above.
  }
  if (below(report.total.fallbackRecall, targets.fallbackRecall))
    out.push(
      `all rules: name + village fallback recall ${pct(report.total.fallbackRecall)} < ${targets.fallbackRecall * 100}%`,
    );
  return out;
}

/** A ratio as a percentage with one decimal, or `—` when there is nothing to measure. */
export function pct(r: Ratio): string {
  return r.value === null ? '—' : `${(Math.floor(r.value * 1000) / 10).toFixed(1)}%`;
}
