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
   * How its payment records are keyed: `content` (refs by what a payment discloses,
   * `PaymentRefs`: a row moved in a corrected file keeps its ref); `department` (refs
   * `{department}|{sheet}|{row}`: every row after an inserted one got another ref); or, absent,
   * by version (`{versionId}|{sheet}|{row}`). A unit keyed other than {@link PAYMENT_REFS} is
   * projected again, once.
   */
  readonly refs?: PaymentRefScheme;
  /**
   * How its records are stored: `packed` (pages per village-program-month and person buckets;
   * households, projects and finance items in pages per village) — or, absent, one item per
   * record (projected before packing; such a unit's items are removed and it is projected again).
   */
  readonly layout?: typeof PROJECTION_LAYOUT;
}

/** How payment records of a unit are keyed (see {@link DisclosureUnit.refs}). */
export type PaymentRefScheme = 'department' | 'content';

/** The current keying of payment records (see {@link DisclosureUnit.refs}). */
export const PAYMENT_REFS = 'content' as const satisfies PaymentRefScheme;

/** The current storage of projected records, of every kind (see {@link DisclosureUnit.layout}). */
export const PROJECTION_LAYOUT = 'packed' as const;

/**
 * The records of one payment group (a month, township, village and program: one page) as they
 * were projected and as they should be, each complete.
 */
export interface PaymentGroupChange {
  readonly before: readonly DisclosedPayment[];
  readonly after: readonly DisclosedPayment[];
}

/**
 * What the stored lookup index holds per bucket (an opaque digest of its items), as
 * {@link DisclosureStore.replaceLookups} returns it; the workflow keeps it for the next rebuild.
 */
export type LookupDigests = Readonly<Record<string, string>>;

/** The projected kinds other than payments: their records are written one item each. */
export type RecordKind = Exclude<ProjectedKind, 'subsidy_payments'>;

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
  /**
   * Delete and put records of a kind other than payments (same identity: replaced); only the
   * packed items that change are written. Answers the items written.
   */
  writeRecords<K extends RecordKind>(
    kind: K,
    puts: readonly DisclosureRecords[K][],
    deletes: readonly DisclosureRecords[K][],
  ): Promise<number>;
  /** Record units as projected (`put`, after their records) or gone (`remove`, after theirs). */
  markUnits(put: readonly DisclosureUnit[], remove: readonly DisclosureUnit[]): Promise<void>;
  /**
   * Make the stored totals of `year` exactly `cells`, writing only changed groups: changed
   * against `previous` (what the workflow wrote last time) when given, else against the table.
   */
  replaceTotals(year: string, cells: readonly TotalsCell[], previous?: readonly TotalsCell[]): Promise<void>;
  /**
   * Bring payment pages in step: each group's page is written from `after` where its items
   * differ from `before`'s (an empty `after` removes the page). Answers the items written.
   */
  writePaymentGroups(changes: readonly PaymentGroupChange[]): Promise<number>;
  /**
   * File payments under their persons (`person`) for the personal lookup: `remove` what was
   * filed (by group and ref), then `put` (same identity replaces). Only changed buckets are
   * written; answers the items written.
   */
  updatePersonPayments(
    remove: readonly DisclosedPayment[],
    put: readonly DisclosedPayment[],
  ): Promise<number>;
  /** Delete payment records stored one item each (by an earlier version); answers the items deleted. */
  removeLegacyPayments(records: readonly DisclosedPayment[]): Promise<number>;
  /** Delete records of another kind stored one item each (by an earlier version); answers the items deleted. */
  removeLegacyRecords<K extends RecordKind>(
    kind: K,
    records: readonly DisclosureRecords[K][],
  ): Promise<number>;
  /** Delete lookup entries stored one item each (by an earlier version); answers the items deleted. */
  removeLegacyLookups(): Promise<number>;
  /**
   * Make the lookup index exactly `entries`, writing only changed buckets: changed against
   * `previous` (what this returned last time) when given, else against the table. Answers
   * what to pass next time and the items written.
   */
  replaceLookups(
    entries: readonly LookupEntry[],
    previous?: LookupDigests,
  ): Promise<{ readonly digests: LookupDigests; readonly written: number }>;

  /**
   * Payments of one month, optionally one program and place, in place order (township, village,
   * program), each page's payments in `paymentOrder` (masked name, amount, pay date).
   */
  payments(
    q: PlaceFilter & { readonly month: string; readonly program?: string },
    page: PageRequest,
  ): Promise<Page<DisclosedPayment>>;
  /** Payments of persons (by their digests, each record carrying its `person`), in no order. */
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
