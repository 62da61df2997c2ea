/**
 * Data-entry progress (数据报送进度): per department and dataset kind, what was received,
 * when, how many rows, the error rate, and whether the next upload is overdue against the
 * kind's cadence. Pure: versions, lateness records, configuration and a clock in, figures out.
 */
import { DATASET_KINDS, type DatasetKind, KIND_LABELS } from '../kinds.js';
import type { DatasetVersion, VersionStatus } from '../versions.js';
import { type Cadence, type CadenceConfig, nextDueAt, wholeDaysBetween } from './cadence.js';

/**
 * The daily lateness check's record that a department missed a due date (one per department,
 * kind and missed due date). `dueAt` is null when an expected department never uploaded.
 */
export interface LatenessRecord {
  readonly department: string;
  readonly kind: DatasetKind;
  readonly dueAt: string | null;
  /** When the check first found it late. */
  readonly flaggedAt: string;
  /** When a later check found it no longer late (an upload arrived, or the due date moved). */
  readonly resolvedAt?: string;
  /** When a check found it late again after it had been resolved (e.g. the new upload was withdrawn). */
  readonly reopenedAt?: string;
}

/** Counts of a dataset's versions by status. */
export type VersionCounts = Readonly<Record<VersionStatus, number>> & { readonly total: number };

/** One line of the progress board. */
export interface ProgressEntry {
  readonly department: string;
  readonly kind: DatasetKind;
  readonly kindLabel: string;
  readonly cadence: Cadence;
  readonly graceDays: number;
  /** Whether the configuration names this department as a supplier of the kind. */
  readonly expected: boolean;
  /** S3 receive time of the newest usable (active or replaced) version; null if none. */
  readonly lastReceivedAt: string | null;
  readonly lastVersionId: string | null;
  readonly lastFileName: string | null;
  readonly versions: VersionCounts;
  /** Rows read / accepted / rejected over every version that could be read (all but file-level rejections). */
  readonly rowsRead: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  /** rowsRejected / rowsRead, rounded to 4 places; null when nothing was read. */
  readonly errorRate: number | null;
  /** Accepted rows of the versions still active. */
  readonly rowsActive: number;
  /** When the next upload is due; null when the cadence is `none` or nothing was ever received. */
  readonly nextDueAt: string | null;
  readonly overdue: boolean;
  /** Whole days past the due date when overdue; null when not overdue or never received. */
  readonly daysLate: number | null;
  /** The missed due date of the open lateness record, else the computed one when overdue. */
  readonly overdueSince: string | null;
  /** When the scheduled check flagged it (open lateness record); null if not flagged (yet). */
  readonly flaggedLateAt: string | null;
}

/** Versions that count as delivered data: withdrawn ones were taken back, rejected ones were unreadable. */
const DELIVERED: ReadonlySet<VersionStatus> = new Set(['active', 'replaced']);

const pairKey = (department: string, kind: string): string => `${department}\u0000${kind}`;

function emptyCounts(): Record<VersionStatus | 'total', number> {
  return {
    total: 0,
    active: 0,
    replaced: 0,
    withdrawn: 0,
    rejected: 0,
    needs_mapping: 0,
    needs_confirmation: 0,
  };
}

/** Inputs of {@link computeProgress}. */
export interface ProgressInput {
  readonly versions: readonly DatasetVersion[];
  readonly config: CadenceConfig;
  /** Lateness records from the scheduled check (any state). */
  readonly lateness?: readonly LatenessRecord[];
  /** The clock, ISO timestamp. */
  readonly now: string;
}

/**
 * The progress board: one entry per (department, kind) that uploaded the kind or is
 * expected to, ordered by department then kind (contract order).
 */
export function computeProgress(input: ProgressInput): ProgressEntry[] {
  const groups = new Map<string, { department: string; kind: DatasetKind; versions: DatasetVersion[] }>();
  const group = (department: string, kind: DatasetKind) => {
    const key = pairKey(department, kind);
    let g = groups.get(key);
    if (!g) {
      g = { department, kind, versions: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const v of input.versions) group(v.department, v.kind).versions.push(v);
  for (const kind of DATASET_KINDS) {
    for (const department of input.config[kind].departments) group(department, kind);
  }

  const openLateness = new Map<string, LatenessRecord>();
  for (const r of input.lateness ?? []) {
    if (!r.resolvedAt) openLateness.set(pairKey(r.department, r.kind), r);
  }

  const entries = [...groups.values()].map(({ department, kind, versions }) => {
    const expectation = input.config[kind];
    const counts = emptyCounts();
    let rowsRead = 0;
    let rowsAccepted = 0;
    let rowsRejected = 0;
    let rowsActive = 0;
    let last: DatasetVersion | undefined;
    for (const v of versions) {
      counts.total += 1;
      counts[v.status] += 1;
      if (v.quality) {
        rowsRead += v.quality.rowsRead;
        rowsAccepted += v.quality.accepted;
        rowsRejected += v.quality.rejected;
        if (v.status === 'active') rowsActive += v.quality.accepted;
      }
      if (DELIVERED.has(v.status) && (!last || v.receivedAt > last.receivedAt)) last = v;
    }
    const due = last ? (nextDueAt(last.receivedAt, expectation) ?? null) : null;
    const expected = expectation.departments.includes(department);
    const overdue =
      expectation.cadence !== 'none' && (due !== null ? input.now > due : last === undefined && expected);
    // A record is only shown while it still describes the board: after a new upload it is stale
    // until the next check resolves it.
    const open = openLateness.get(pairKey(department, kind));
    const flagged = open && overdue && open.dueAt === due ? open : undefined;
    const entry: ProgressEntry = {
      department,
      kind,
      kindLabel: KIND_LABELS[kind],
      cadence: expectation.cadence,
      graceDays: expectation.graceDays,
      expected,
      lastReceivedAt: last?.receivedAt ?? null,
      lastVersionId: last?.versionId ?? null,
      lastFileName: last?.fileName ?? null,
      versions: counts,
      rowsRead,
      rowsAccepted,
      rowsRejected,
      errorRate: rowsRead > 0 ? Math.round((rowsRejected / rowsRead) * 10_000) / 10_000 : null,
      rowsActive,
      nextDueAt: due,
      overdue,
      daysLate: overdue && due !== null ? wholeDaysBetween(due, input.now) : null,
      overdueSince: overdue ? due : null,
      flaggedLateAt: flagged?.flaggedAt ?? null,
    };
    return entry;
  });
  const kindOrder = (k: DatasetKind) => DATASET_KINDS.indexOf(k);
  return entries.sort(
    (a, b) => a.department.localeCompare(b.department) || kindOrder(a.kind) - kindOrder(b.kind),
  );
}

/**
 * What the scheduled lateness check must write so the stored records match the board:
 * a new record for every overdue entry whose missed due date isn't flagged yet (or a
 * reopened one when that due date was resolved before), and a resolution for every open
 * record that no longer applies. Running it again on the same state returns nothing
 * (the check is idempotent).
 */
export function latenessChanges(
  entries: readonly ProgressEntry[],
  records: readonly LatenessRecord[],
  now: string,
): LatenessRecord[] {
  const byPair = new Map(entries.map((e) => [pairKey(e.department, e.kind), e]));
  const recordKey = (department: string, kind: string, dueAt: string | null) =>
    `${pairKey(department, kind)}\u0000${dueAt ?? ''}`;
  const existing = new Map(records.map((r) => [recordKey(r.department, r.kind, r.dueAt), r]));
  const changes: LatenessRecord[] = [];

  for (const r of records) {
    if (r.resolvedAt) continue;
    const entry = byPair.get(pairKey(r.department, r.kind));
    const stillLate = entry?.overdue === true && entry.nextDueAt === r.dueAt;
    if (!stillLate) changes.push({ ...r, resolvedAt: now });
  }
  for (const e of entries) {
    if (!e.overdue) continue;
    const found = existing.get(recordKey(e.department, e.kind, e.nextDueAt));
    if (!found) {
      changes.push({ department: e.department, kind: e.kind, dueAt: e.nextDueAt, flaggedAt: now });
    } else if (found.resolvedAt) {
      const { resolvedAt: _resolved, ...rest } = found;
      changes.push({ ...rest, reopenedAt: now });
    }
  }
  return changes;
}
