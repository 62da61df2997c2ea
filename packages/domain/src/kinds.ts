/**
 * The dataset kinds of CONTRACT.md §2: one module each under `kinds/`, listed once in
 * {@link KINDS}. Everything else about kinds (the `DatasetKind` type, labels, append and
 * reference sets, upload order, typed column names) derives from that list.
 */
import { deathRecordsKind } from './kinds/death-records.js';
import type { Column, Kind } from './kinds/define.js';
import { divisionsKind } from './kinds/divisions.js';
import { fiscalPayrollKind } from './kinds/fiscal-payroll.js';
import { householdRegistryKind } from './kinds/household-registry.js';
import { livelihoodProjectsKind } from './kinds/livelihood-projects.js';
import { marketEntitiesKind } from './kinds/market-entities.js';
import { noticesKind } from './kinds/notices.js';
import { povertyRegistryKind } from './kinds/poverty-registry.js';
import { propertyRecordsKind } from './kinds/property-records.js';
import { publicOfficialsKind } from './kinds/public-officials.js';
import { socialInsuranceKind } from './kinds/social-insurance.js';
import { subsidyPaymentsKind } from './kinds/subsidy-payments.js';
import { vehicleRecordsKind } from './kinds/vehicle-records.js';
import { villageFinanceKind } from './kinds/village-finance.js';

export type { Column, ColumnType, Kind } from './kinds/define.js';

/** The 14 dataset kinds, in the contract's order: the one list a new kind is added to. */
export const KINDS = [
  householdRegistryKind,
  deathRecordsKind,
  publicOfficialsKind,
  fiscalPayrollKind,
  marketEntitiesKind,
  propertyRecordsKind,
  vehicleRecordsKind,
  socialInsuranceKind,
  divisionsKind,
  subsidyPaymentsKind,
  povertyRegistryKind,
  livelihoodProjectsKind,
  villageFinanceKind,
  noticesKind,
] as const satisfies readonly Kind[];

type AnyKind = (typeof KINDS)[number];

/** One of the 14 dataset kinds a department can upload. */
export type DatasetKind = AnyKind['kind'];

/** The declaration of one kind. */
export type KindOf<K extends DatasetKind> = Extract<AnyKind, { kind: K }>;

/** Names of every column of one kind, read or derived. */
type NamesOf<K extends DatasetKind> =
  | KindOf<K>['columns'][number]['name']
  | NonNullable<KindOf<K>['derived']>[number]['name'];

/**
 * Canonical column names of `K`. For a union of kinds: the columns all of them have (a helper
 * reading `village` from rows of several kinds only compiles if each of them has one).
 */
export type ColumnOf<K extends DatasetKind> = keyof { [P in K]: Record<NamesOf<P>, true> }[K] & string;

/** Columns that some kind of `K` has (evidence of rows of several kinds lists the columns of each). */
export type SomeColumnOf<K extends DatasetKind> = K extends DatasetKind ? ColumnOf<K> : never;

/** The kinds that have column `C`. */
export type KindsWith<C extends string> = {
  [K in DatasetKind]: C extends ColumnOf<K> ? K : never;
}[DatasetKind];

/** The kinds, in the contract's order. */
export const DATASET_KINDS: readonly DatasetKind[] = KINDS.map((k) => k.kind);

const BY_NAME = new Map<string, Kind>(KINDS.map((k) => [k.kind, k]));

/** The declaration of `kind`. */
export function kindOf<K extends DatasetKind>(kind: K): KindOf<K> {
  return BY_NAME.get(kind) as KindOf<K>;
}

/** Append kinds add rows; every other kind is a snapshot that replaces its predecessor. */
export const APPEND_KINDS: ReadonlySet<DatasetKind> = new Set(
  KINDS.filter((k) => k.versions === 'append').map((k) => k.kind),
);

/** The reference ("8 basic") databases: confidential, inspectors only. */
export const REFERENCE_KINDS: ReadonlySet<DatasetKind> = new Set(
  KINDS.filter((k) => k.reference).map((k) => k.kind),
);

/** Chinese labels for the UI and reports. */
export const KIND_LABELS: Readonly<Record<DatasetKind, string>> = Object.fromEntries(
  KINDS.map((k) => [k.kind, k.label]),
) as Record<DatasetKind, string>;

export function isDatasetKind(value: string): value is DatasetKind {
  return BY_NAME.has(value);
}

/** Whether a new version of this kind replaces the previous one from the same department. */
export function isSnapshotKind(kind: DatasetKind): boolean {
  return !APPEND_KINDS.has(kind);
}

/** The columns a file of `kind` may carry, in the contract's order. */
export function columnsOf(kind: DatasetKind): readonly Column[] {
  return kindOf(kind).columns;
}

/**
 * Whether rows of `kind` carry a township or village, resolved against the county's divisions
 * when it is read: its stored rows depend on the divisions in force then.
 */
export function resolvesPlaces(kind: DatasetKind): boolean {
  return kind !== 'divisions' && columnsOf(kind).some((c) => c.type === 'township' || c.type === 'village');
}

/**
 * The workflow request (`detail-type`) sent when divisions come into or leave force other than
 * by an upload (withdrawn, restored, a held snapshot confirmed): the versions whose places were
 * resolved against other divisions are read again, and their kinds' rules run.
 */
export const PLACES_REQUEST = 'Divisions Changed';

const ORDER = new Map<string, number>(KINDS.map((k, index) => [k.kind, index]));

/**
 * Upload order of files sent together (a county's first load, a demo, a CLI folder): by the
 * kinds' {@link Kind.uploadRank} — divisions first, then what others are matched against,
 * payments last — then in {@link KINDS} order, then by `tieBreak` (by default none: the sort
 * is stable, so files of one kind keep their order). Unknown kinds go last.
 */
export function inUploadOrder<T extends { readonly kind: string }>(
  files: readonly T[],
  tieBreak: (a: T, b: T) => number = () => 0,
): T[] {
  const last = Number.MAX_SAFE_INTEGER;
  const rank = (file: T) => BY_NAME.get(file.kind)?.uploadRank ?? last;
  const order = (file: T) => ORDER.get(file.kind) ?? last;
  return [...files].sort((a, b) => rank(a) - rank(b) || order(a) - order(b) || tieBreak(a, b));
}
