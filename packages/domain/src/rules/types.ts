import type { RuleConfig } from '../config.js';
import type { DatasetKind } from '../kinds.js';
import type { Finding, NormalizedRow, RuleCode } from '../model.js';

/** A normalized row together with where it came from (for evidence). */
export interface SourceRow extends NormalizedRow {
  readonly kind: DatasetKind;
  readonly versionId: string;
}

/**
 * What a rule sees: the rows of one ID-hash shard of every active version. Every row of
 * a given person is in the same shard, so per-person rules need nothing else.
 */
export interface MatchInput {
  rows(kind: DatasetKind): readonly SourceRow[];
  /**
   * Whether any active version of `kind` exists at all (in any shard). Optional: rules
   * that fire on *absence* (R08 "not in the registry") stay silent when it says `false`,
   * so a county that never uploaded its registry doesn't get a lead for every payment.
   * When omitted, a kind with rows in this shard is taken as present and one without is not.
   */
  hasKind?(kind: DatasetKind): boolean;
}

/** Bilingual text (UI in Chinese, code and logs in English). */
export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

/** One lead rule of CONTRACT.md §5. */
export interface Rule {
  readonly code: RuleCode;
  /** Stable machine name, e.g. `DECEASED_RECIPIENT`. */
  readonly key: string;
  readonly title: Bilingual;
  readonly description: Bilingual;
  /** Dataset kinds whose rows the rule reads: a change to any of them re-runs it. */
  readonly reads: readonly DatasetKind[];
  /** Pure and deterministic: the same input and config always give the same findings, in the same order. */
  evaluate(input: MatchInput, config: RuleConfig): Finding[];
}
