/**
 * The disclosure projection sync's share of a benchmark run. It runs beside every collision
 * (its own step, `SyncDisclosure`) and logs one line per run, `disclosure projections synced`
 * with its figures; the platform under benchmark writes the functions' log to a file, and this
 * sums those lines.
 */

/** The functions' log in the data folder of the platform under benchmark. */
export const FUNCTIONS_LOG = 'functions.log';

/** What the syncs of one benchmark run did. */
export interface DisclosureSyncFigures {
  /** Syncs (one per collision run). */
  readonly runs: number;
  /** Their seconds, summed (beside the collision stage, not part of it). */
  readonly seconds: number;
  /** Payment records put or deleted. */
  readonly paymentsWritten: number;
  /** `(year, shard)` parts of the totals counted. */
  readonly totalsCounted: number;
  /** Syncs that rebuilt the lookup index. */
  readonly lookupsRebuilt: number;
}

/** The figures of every `disclosure projections synced` line of a structured JSON log. */
export function disclosureSyncFigures(log: string): DisclosureSyncFigures {
  const figures = { runs: 0, seconds: 0, paymentsWritten: 0, totalsCounted: 0, lookupsRebuilt: 0 };
  for (const entry of logEntries(log, 'disclosure projections synced')) {
    figures.runs += 1;
    figures.seconds += Number(entry.seconds ?? 0);
    figures.paymentsWritten += Number(entry.paymentsWritten ?? 0);
    figures.totalsCounted += Number(entry.totalsCounted ?? 0);
    figures.lookupsRebuilt += entry.lookupsRebuilt === true ? 1 : 0;
  }
  return figures;
}

/** The entries of a structured JSON log whose `message` is `message`, in order (lines that are not JSON skipped). */
export function* logEntries(log: string, message: string): Generator<Record<string, unknown>> {
  for (const line of log.split('\n')) {
    if (!line.includes(message)) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (entry.message === message) yield entry;
  }
}

/** The report's line. */
export function disclosureSyncLine(f: DisclosureSyncFigures): string {
  return `disclosure sync (SyncDisclosure beside the collision, every run of the benchmark): ${f.runs} run(s), ${f.seconds.toFixed(1)} s, ${f.paymentsWritten.toLocaleString('en-US')} payment records written, ${f.totalsCounted} (year, shard) totals parts counted, lookup index rebuilt ${f.lookupsRebuilt}×`;
}
