import { subjectFrom } from '../leads/subject.js';
import type { Evidence, Finding, MatchQuality } from '../model.js';
import {
  compareRows,
  compareText,
  evidenceOf,
  formatYuan,
  hasUsableId,
  idMatchQuality,
  meansTestedPaymentsById,
  mostCommon,
  place,
  text,
  uniqueRows,
  weakestMatch,
} from './common.js';
import { referenceOf } from './reference.js';
import { type MatchInput, rowsOf, type SourceRow } from './types.js';

/** Subject key of R02/R03: the poverty household's `household_no`. */
export function householdKey(householdNo: string): string {
  return householdNo;
}

/** A property or vehicle row. */
type Asset = SourceRow<'property_records' | 'vehicle_records'>;

/** What R02 (property) and R03 (vehicles) differ in. */
export interface PovertyAssetRule<K extends Asset['kind'] = Asset['kind']> {
  readonly rule: 'R02' | 'R03';
  readonly assetKind: K;
  /** Whether an asset (ignoring its date) disqualifies a poverty household. */
  readonly disqualifies: (asset: SourceRow<K>) => boolean;
  /** How an asset reads in the lead's reasons. */
  readonly describe: (values: Evidence['values']) => string;
}

/**
 * The last day on which a disqualifying asset counts: 31 Dec of the household's exit year,
 * or `undefined` when the household has not exited (any date counts). A household has
 * exited when some member row gives an `exit_year` and none says 未脱贫.
 */
export function exitLimit(members: readonly SourceRow<'poverty_registry'>[]): string | undefined {
  if (members.some((row) => text(row, 'status') === '未脱贫')) return undefined;
  const years = members
    .map((row) => row.values.exit_year)
    .filter((year): year is number | string => year !== null && year !== undefined && year !== '')
    .map((year) => String(year).slice(0, 4))
    .sort(compareText);
  const year = years[years.length - 1];
  return year === undefined ? undefined : `${year}-12-31`;
}

/** Whether an asset was registered in time (an undated asset is taken as owned throughout). */
function registeredInTime(asset: Asset, limit: string | undefined): boolean {
  if (limit === undefined) return true;
  const date = text(asset, 'registered_date')?.slice(0, 10);
  return date === undefined || date <= limit;
}

/**
 * Evaluate R02/R03 over one shard. The subject is a poverty household; its members live in
 * different ID-hash shards, so every shard that holds a member's poverty row emits a partial
 * finding with the members' poverty rows and assets (from the county-wide reference) and the
 * means-tested payments of the members it holds. {@link combinePovertyAssetPartials} merges them.
 */
export function evaluatePovertyAssets<K extends Asset['kind']>(
  spec: PovertyAssetRule<K>,
  input: MatchInput,
): Finding[] {
  const reference = referenceOf(input);
  const households = new Set<string>();
  for (const row of rowsOf(input, 'poverty_registry')) {
    const household = text(row, 'household_no');
    if (household !== undefined && hasUsableId(row)) households.add(household);
  }

  // Means-tested payments by recipient, indexed once (not one scan of the shard's payments per household).
  const paymentsOf = (ids: ReadonlySet<string>): SourceRow<'subsidy_payments'>[] => {
    const index = meansTestedPaymentsById(input);
    return [...ids].flatMap((id) => index.get(id) ?? []);
  };

  const findings: Finding[] = [];
  for (const household of [...households].sort(compareText)) {
    const members = reference.povertyMembers(household);
    const memberIds = new Set(members.filter(hasUsableId).map((row) => row.idNumber));
    const disqualifying = [...memberIds]
      .flatMap((id) => reference.assetsOf(id))
      .filter(
        (asset) =>
          asset.kind === spec.assetKind && spec.disqualifies(asset as SourceRow<typeof spec.assetKind>),
      );
    // Most households own nothing disqualifying: their exit year is not even looked at.
    if (disqualifying.length === 0) continue;
    const limit = exitLimit(members);
    const assets = disqualifying.filter((asset) => registeredInTime(asset, limit));
    if (assets.length === 0) continue;
    const payments = paymentsOf(memberIds);
    const match = idMatchQuality([...members, ...assets, ...payments]);
    // Already in kind order, each kind's rows in source order as the shard orders them (by
    // dataset first, which evidence does not carry: sorting it again would order by version id).
    const evidence = [
      ...uniqueRows(members).map((row) => evidenceOf(row)),
      ...uniqueRows(assets).map((row) => evidenceOf(row)),
      ...uniqueRows(payments).map((row) => evidenceOf(row)),
    ];
    findings.push(povertyAssetFinding(spec, household, evidence, match, limit));
  }
  return findings;
}

/** Merge the partial findings of one poverty household (see {@link evaluatePovertyAssets}). */
export function combinePovertyAssetPartials<K extends Asset['kind']>(
  spec: PovertyAssetRule<K>,
  partials: readonly Finding[],
): Finding {
  const first = partials[0];
  if (!first) throw new Error(`${spec.rule}: nothing to combine`);
  const seen = new Set<string>();
  const evidence: Evidence[] = [];
  for (const e of partials.flatMap((p) => p.evidence)) {
    const key = `${e.kind}|${e.versionId}|${e.sheet ?? ''}|${e.row}`;
    if (seen.has(key)) continue;
    seen.add(key);
    evidence.push(e);
  }
  const members = evidence.filter((e) => e.kind === 'poverty_registry');
  const limit = exitLimit(
    members.map((e) => ({ ...e, kind: 'poverty_registry' as const, idStatus: 'as_given' as const })),
  );
  return povertyAssetFinding(
    spec,
    first.subjectKey,
    evidence.sort(compareEvidence),
    weakestMatch(partials.map((p) => p.match)),
    limit,
  );
}

const KIND_ORDER = ['poverty_registry', 'property_records', 'vehicle_records', 'subsidy_payments'];

function compareEvidence(a: Evidence, b: Evidence): number {
  return (
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    compareRows({ ...a, idStatus: 'as_given' }, { ...b, idStatus: 'as_given' })
  );
}

function str(values: Evidence['values'], column: string): string | undefined {
  const value = values[column];
  return value === null || value === undefined || value === '' ? undefined : String(value);
}

/**
 * The finding of one household from its evidence, in {@link KIND_ORDER} and each kind's rows in
 * source order (so partials and a single pass agree exactly).
 */
function povertyAssetFinding<K extends Asset['kind']>(
  spec: PovertyAssetRule<K>,
  household: string,
  evidence: readonly Evidence[],
  match: MatchQuality,
  limit: string | undefined,
): Finding {
  const members = evidence.filter((e) => e.kind === 'poverty_registry');
  const assets = evidence.filter((e) => e.kind === spec.assetKind);
  const payments = evidence.filter((e) => e.kind === 'subsidy_payments');
  const head = members.find((e) => str(e.values, 'relation') === '户主') ?? members[0];
  const headName = head ? str(head.values, 'name') : undefined;
  const headId = head ? str(head.values, 'id_number') : undefined;
  const amount = payments.reduce(
    (sum, e) => sum + (typeof e.values.amount === 'number' ? e.values.amount : 0),
    0,
  );
  const nameOf = new Map(members.map((e) => [str(e.values, 'id_number'), str(e.values, 'name')]));

  const reasons = assets.map((e) => {
    const owner = nameOf.get(str(e.values, 'owner_id')) ?? str(e.values, 'owner_name') ?? '家庭成员';
    const date = str(e.values, 'registered_date');
    return `贫困户成员${owner}名下有${spec.describe(e.values)}${date ? `（${date} 登记）` : ''}`;
  });
  reasons.push(
    limit === undefined
      ? '该户未脱贫，任何时间登记的均计入'
      : `该户 ${limit.slice(0, 4)} 年脱贫，脱贫当年年底前登记`,
  );
  reasons.push(
    payments.length > 0
      ? `家庭成员领取低保等救助资金 ${payments.length} 笔，共 ${formatYuan(amount)}`
      : '家庭成员无低保等救助资金发放记录',
  );

  return {
    rule: spec.rule,
    subjectKey: householdKey(household),
    ...subjectFrom([
      headName === undefined ? '（户主不详）' : { person: headName },
      `户 · 贫困户 ${household}`,
    ]),
    ...(headId !== undefined ? { idNumber: headId } : {}),
    ...(headName !== undefined ? { name: headName } : {}),
    ...place(
      mostCommon(members.map((e) => str(e.values, 'township'))),
      mostCommon(members.map((e) => str(e.values, 'village'))),
    ),
    amount,
    match,
    evidence,
    reasons,
  };
}
