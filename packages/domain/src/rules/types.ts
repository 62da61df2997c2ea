import type * as z from 'zod';
import type { RuleConfig } from '../config.js';
import type { DatasetKind } from '../kinds.js';
import type { Finding, NormalizedRow } from '../model.js';
import type { Reference } from './reference.js';

/** A normalized row of kind `K` together with where it came from (for evidence). */
export interface SourceRow<K extends DatasetKind = DatasetKind> extends NormalizedRow {
  readonly kind: K;
  readonly versionId: string;
  /**
   * Set when the row's ID was lost and `idNumber` was filled in from the one registry person
   * with the same name in the same village (CONTRACT.md §3): leads on it are `name_village`.
   */
  readonly identifiedBy?: 'name_village';
  /**
   * The dataset of the row's version (kind, department, what it covers), set by the match
   * stage: rows are ordered by it before their version id, so that a corrected file that
   * replaces a version puts its rows where the replaced rows stood ({@link compareRows}).
   */
  readonly datasetKey?: string;
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
  /**
   * County-wide reference data (registry, officials, payroll, entities, poverty households)
   * for rules that look beyond one person's rows. Optional: when absent, rules build it from
   * {@link MatchInput.rows} (a single shard holding everything, as in unit tests).
   */
  readonly reference?: Reference;
}

/**
 * The rows of `kind` in `input`, typed by their kind so that the columns a rule reads are
 * checked against the kind's columns at compile time.
 */
export function rowsOf<K extends DatasetKind>(input: MatchInput, kind: K): readonly SourceRow<K>[] {
  // `MatchInput.rows(kind)` holds rows of that kind only.
  return input.rows(kind) as readonly SourceRow<K>[];
}

/** Bilingual text (UI in Chinese, code and logs in English). */
export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

/** A rule's settings as its configuration holds them (arrays read-only). */
export type Settings<Shape extends z.ZodRawShape> = {
  readonly [K in keyof z.output<z.ZodObject<Shape>>]: z.output<z.ZodObject<Shape>>[K] extends (infer U)[]
    ? readonly U[]
    : z.output<z.ZodObject<Shape>>[K];
};

/**
 * The part of {@link RuleConfig} a rule reads: its own section. The full configuration is one,
 * so registries and tests pass it whole.
 */
export type RuleSection<Code extends string, Shape extends z.ZodRawShape> = {
  readonly [C in Code]: Settings<Shape>;
};

/** One invalid setting: its path within the rule's section and why. */
export interface SettingIssue {
  readonly path: string;
  readonly message: string;
}

// `Rule` without arguments is any rule: settings and key parts sit in parameter positions, so only
// `any` accepts them all.
// biome-ignore lint/suspicious/noExplicitAny: see above.
type AnyShape = any;
// biome-ignore lint/suspicious/noExplicitAny: see above.
type AnyKey = any;

/**
 * One lead rule of CONTRACT.md §5, declared once in its own module: everything else (the
 * {@link RuleCode} type, the catalogue, the configuration shape, defaults and schema, the
 * re-run planning, the demo's subject keys and the accuracy report's rule list) derives from
 * the registry of these.
 */
export interface Rule<
  Code extends string = string,
  Shape extends z.ZodRawShape = AnyShape,
  Key extends readonly string[] = AnyKey,
> {
  readonly code: Code;
  /** Stable machine name, e.g. `DECEASED_RECIPIENT`. */
  readonly key: string;
  readonly title: Bilingual;
  readonly description: Bilingual;
  /** Dataset kinds whose rows the rule reads: a change to any of them re-runs it. */
  readonly reads: readonly DatasetKind[];
  /**
   * Kinds of {@link Rule.reads} whose rows the rule only looks up by the usable ID of a payment
   * (`subsidy_payments`) in the same input: rows of people paid nowhere in it change nothing
   * the rule finds, so a match shard whose rules all say so of a kind skips them unread
   * ({@link kindsReadByRecipient}).
   */
  readonly byRecipient?: readonly DatasetKind[];
  /** The rule's section of {@link RuleConfig}. */
  readonly settings: {
    /** Every setting, `enabled` included; overrides are validated against its partial (unknown keys rejected). */
    readonly schema: z.ZodObject<Shape, z.core.$strict>;
    /** The contract's defaults. */
    readonly defaults: Settings<Shape>;
    /** Cross-field checks of the effective settings (after overrides were merged in). */
    readonly check?: (settings: Settings<Shape>) => readonly SettingIssue[];
  };
  /** The `Finding.subjectKey` of a subject ("one lead per" of CONTRACT.md §5), from its parts. */
  readonly subjectKey: (...parts: Key) => string;
  /** Pure and deterministic: the same input and config always give the same findings, in the same order. */
  evaluate(input: MatchInput, config: RuleSection<Code, Shape>): Finding[];
  /**
   * For rules whose subject spans several shards (a poverty household's members live in
   * different ID-hash shards): merge the partial findings of one subject, emitted by different
   * shards, into the finding a single pass over all rows would give. Rules without it never
   * emit the same subject from two shards.
   */
  combine?(partials: readonly Finding[], config: RuleSection<Code, Shape>): Finding;
}
