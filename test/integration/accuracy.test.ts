/**
 * `npm run accuracy` in small: a demo county with planted positives and near misses of every
 * rule went through the real local platform (S3 uploads, the deployed workflow, DynamoDB
 * Local — the shared seeded platform, see seeded-platform.setup.ts) and, read back through
 * the HTTP API, every implemented rule must meet the targets against the ground
 * truth: precision and recall ≥ 99%, and ≥ 90% recall on subjects only found by name +
 * village. Rules not implemented yet are reported, not judged.
 */
import type { DemoCounty } from '@jiandu/demo';
import { RULES } from '@jiandu/domain';
import type { RuleCode } from '@jiandu/domain/model';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccuracyReport,
  ALL_RULES,
  compareLeads,
  DEFAULT_TARGETS,
  missedTargets,
} from '../../packages/accuracy/src/compare.js';
import { reportErrors, reportTable } from '../../packages/accuracy/src/format.js';
import { readLeads } from '../../packages/accuracy/src/run.js';
import { SEEDING_TIMEOUT_MS, type Seeding, seededPlatform } from '../support/seeded-platform.js';

const implemented = RULES.map((r) => r.code);

describe('accuracy on a small county, end to end', () => {
  let run: { county: DemoCounty; implemented: RuleCode[]; report: AccuracyReport };
  let seeding: Seeding;

  beforeAll(async () => {
    const shared = await seededPlatform();
    seeding = shared.seeding;
    const { platform, county } = shared;
    const rules = (await (await fetch(`${platform.apiUrl}/api/v1/rules`)).json()) as {
      items: { code: RuleCode }[];
    };
    const served = rules.items.map((r) => r.code);
    const found = await readLeads(
      { apiUrl: platform.apiUrl, inspectorToken: platform.inspectorToken ?? '' },
      served,
    );
    run = { county, implemented: served, report: compareLeads(county.truth.leads, found, served) };
    console.log(`${reportTable(run.report)}\n${reportErrors(run.report).join('\n')}`);
    const pending = ALL_RULES.filter((r) => !implemented.includes(r));
    if (pending.length > 0) console.log(`not implemented yet (not judged): ${pending.join(', ')}`);
  }, SEEDING_TIMEOUT_MS);

  it('runs every upload through the workflow successfully', () => {
    expect(seeding.executions).toBe(run.county.files.length);
    expect(seeding.failed).toEqual([]);
  });

  it('measures exactly the rules the platform implements', () => {
    expect([...run.implemented].sort()).toEqual([...implemented].sort());
  });

  it('has planted leads of every rule to measure', () => {
    for (const rule of ALL_RULES) {
      expect(
        run.county.truth.leads.filter((l) => l.rule === rule).length,
        `${rule} expected leads`,
      ).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(implemented)(
    '%s finds the planted leads and nothing else (precision and recall ≥ 99%%)',
    (rule) => {
      const figures = run.report.rules.find((r) => r.rule === rule);
      expect(figures?.implemented).toBe(true);
      expect({ rule, missed: figures?.missed, unexpected: figures?.unexpected }).toEqual({
        rule,
        missed: [],
        unexpected: [],
      });
      expect(figures?.precision.value ?? 0).toBeGreaterThanOrEqual(DEFAULT_TARGETS.precision);
      expect(figures?.recall.value ?? 0).toBeGreaterThanOrEqual(DEFAULT_TARGETS.recall);
    },
  );

  it.each(implemented)('%s leads carry the exact amount of the truth, to the fen', (rule) => {
    const figures = run.report.rules.find((r) => r.rule === rule);
    expect(figures?.wrongAmounts).toEqual([]);
  });

  it('finds subjects whose IDs a spreadsheet destroyed through the name + village fallback', () => {
    expect(run.report.total.fallbackRecall.of).toBeGreaterThan(0);
    expect(run.report.total.fallbackRecall.value ?? 0).toBeGreaterThanOrEqual(DEFAULT_TARGETS.fallbackRecall);
  });

  it('meets every target, the way `npm run accuracy` judges them', () => {
    expect(missedTargets(run.report)).toEqual([]);
  });
});
