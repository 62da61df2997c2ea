import type { Page } from '../ports.js';
import type { LookupEntry } from './lookup.js';
import type {
  DisclosedFinanceItem,
  DisclosedHousehold,
  DisclosedNotice,
  DisclosedPayment,
  DisclosedProject,
} from './records.js';
import type { TotalsBy, TotalsCell } from './totals.js';

/** The record type of each disclosure kind. */
export interface DisclosureRecords {
  readonly subsidy_payments: DisclosedPayment;
  readonly poverty_registry: DisclosedHousehold;
  readonly livelihood_projects: DisclosedProject;
  readonly village_finance: DisclosedFinanceItem;
  readonly notices: DisclosedNotice;
  /** The registry's versions in force are units without records: the lookup index follows them. */
  readonly household_registry: never;
}

/** What units are projected of: the disclosure kinds and the registry (households of the lookup). */
export type ProjectedKind = keyof DisclosureRecords;

/**
 * One projected part of a version in force: a whole snapshot or notices version, or the rows
 * of one coverage key (`program|YYYY-MM`, `township|village|YYYY`) of an append version. A
 * newer upload covering the same key, a withdrawal or a month leaving the published window
 * removes exactly its unit.
 */
export interface DisclosureUnit {
  readonly kind: ProjectedKind;
  readonly versionId: string;
  /** The coverage key, or `''` for the whole version. */
  readonly part: string;
  /** Records written for it. */
  readonly records: number;
  /**
   * How its payment records are keyed: `department` (refs `{department}|{sheet}|{row}`, the
   * same across a department's versions) — or, absent, by version (projected before refs were
   * per department; such a unit is projected again).
   */
  readonly refs?: typeof PAYMENT_REFS;
}

/** The current keying of payment records (see {@link DisclosureUnit.refs}). */
export const PAYMENT_REFS = 'department' as const;

/** The identity of a unit. */
export function unitId(u: Pick<DisclosureUnit, 'kind' | 'versionId' | 'part'>): string {
  return `${u.kind}|${u.versionId}|${u.part}`;
}

/** Paging of a public list. */
export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string;
}

/** A township and/or village filter (names as the divisions write them). */
export interface PlaceFilter {
  readonly township?: string;
  readonly village?: string;
}

/** Notices filter: place, category, publish dates (inclusive `YYYY-MM-DD`), words. */
export interface NoticeFilter extends PlaceFilter {
  readonly category?: string;
  readonly from?: string;
  readonly to?: string;
  readonly q?: string;
}

/**
 * The disclosure projections (CONTRACT.md §7): written only by the workflow, read by the public
 * API with one or two queries per request.
 */
export interface DisclosureStore {
  /** Every projected unit. */
  units(): Promise<DisclosureUnit[]>;
  /** Put and delete records of a kind (batched; each write stands alone). */
  writeRecords<K extends ProjectedKind>(
    kind: K,
    puts: readonly DisclosureRecords[K][],
    deletes: readonly DisclosureRecords[K][],
  ): Promise<void>;
  /** Record units as projected (`put`, after their records) or gone (`remove`, after theirs). */
  markUnits(put: readonly DisclosureUnit[], remove: readonly DisclosureUnit[]): Promise<void>;
  /**
   * Make the stored totals of `year` exactly `cells`, writing only changed groups: changed
   * against `previous` (what the workflow wrote last time) when given, else against the table.
   */
  replaceTotals(year: string, cells: readonly TotalsCell[], previous?: readonly TotalsCell[]): Promise<void>;
  /** Make the lookup index exactly `entries` (only changed entries are written). */
  replaceLookups(entries: readonly LookupEntry[]): Promise<void>;

  /** Payments of one month, optionally one program and place, in place order. */
  payments(
    q: PlaceFilter & { readonly month: string; readonly program?: string },
    page: PageRequest,
  ): Promise<Page<DisclosedPayment>>;
  /** Payments of persons (by their digests), newest month first. */
  paymentsOfPersons(persons: readonly string[]): Promise<DisclosedPayment[]>;
  /** The lookup entry of a digest, if any. */
  lookup(key: string): Promise<LookupEntry | undefined>;
  /** The years that have payment totals, oldest first. */
  years(): Promise<string[]>;
  /** Totals of a year in a scope (`scopeKey`) for a program (or `*`), grouped `by`. */
  totals(year: string, scope: string, program: string, by: TotalsBy): Promise<TotalsCell[]>;
  /** Poverty households in place order. */
  households(q: PlaceFilter, page: PageRequest): Promise<Page<DisclosedHousehold>>;
  /** Livelihood projects in place order. */
  projects(q: PlaceFilter, page: PageRequest): Promise<Page<DisclosedProject>>;
  /** Every line item of a village's year, by date. */
  financeItems(township: string, village: string, year: string): Promise<DisclosedFinanceItem[]>;
  /** Notices, newest first. */
  notices(q: NoticeFilter, page: PageRequest): Promise<Page<DisclosedNotice>>;
}
