/** The county benchmark's report as text (what `npm run bench:county` prints and the README quotes). */
import { pct, type Ratio } from '@jiandu/accuracy/compare';
import { reportTable } from '@jiandu/accuracy/format';
import { textTable } from '../table.js';
import { disclosureSyncLine } from './disclosure-sync.js';
import { DUCKDB_RULES } from './duckdb-rules.js';
import type { CountyBench, ShardSeconds, TaskSeconds } from './run.js';

const mib = (bytes: number | undefined): string =>
  bytes === undefined ? 'n/a' : `${Math.round(bytes / 1024 / 1024)} MiB`;
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const sec = (s: number): string => s.toFixed(1);
/** Seconds to a moment the run may not have reached (`n/a`). */
const at = (s: number | undefined): string => (s === undefined ? 'n/a' : `${sec(s)} s`);

/** The stage table: seconds, rows, rows/s and peak RSS (whole tree, the Node process, DynamoDB Local). */
export function stageTable(run: CountyBench): string {
  return textTable(
    ['stage', 'seconds', 'rows', 'of', 'rows/s', 'peak RSS', 'node', 'java'],
    run.stages.map((s) => [
      s.stage,
      sec(s.seconds),
      int(s.rows),
      s.rowsOf,
      s.seconds > 0 ? int(s.rows / s.seconds) : 'n/a',
      mib(s.peak?.total),
      mib(s.peak?.byName.node),
      mib(s.peak?.byName.java),
    ]),
  );
}

/** Platform and DuckDB side by side on the rules both compute. */
export function duckdbTable(run: CountyBench): string {
  const recall = (r: Ratio) => `${pct(r)} (${r.hits}/${r.of})`;
  return textTable(
    [
      'rule',
      'expected',
      'platform recall',
      'platform precision',
      'DuckDB found',
      'DuckDB recall',
      'DuckDB precision',
    ],
    DUCKDB_RULES.map((rule) => {
      const p = run.report.rules.find((r) => r.rule === rule);
      const d = run.duckdb.report.rules.find((r) => r.rule === rule);
      return [
        rule,
        String(p?.expected ?? 0),
        p ? recall(p.recall) : '—',
        p ? pct(p.precision) : '—',
        String(d?.found ?? 0),
        d ? recall(d.recall) : '—',
        d ? pct(d.precision) : '—',
      ];
    }),
  );
}

/** The re-upload's line: seconds to updated leads, the change, and whether exactly the expected leads moved. */
export function reuploadLine(run: CountyBench): string {
  const r = run.reupload;
  const c = r.collision;
  const list = (ids: readonly string[]) => (ids.length > 0 ? ids.join(' ') : 'none');
  return [
    `re-upload → leads stored ${at(r.toLeadsStored)}; → disclosure synced ${at(r.toDisclosureSynced)}; → updated leads exported ${sec(r.seconds)} s (${r.outcome}; ${r.failed} workflow executions not succeeded): ${r.description}`,
    c
      ? `  its collision: ${c.leadsNew} new, ${c.leadsUpdated} updated, ${c.leadsUnchanged} unchanged, ${c.leadsSuperseded} superseded leads`
      : '  its collision: no figures reported',
    `  ${tasksLine(r.tasks)}`,
    ...(r.shards
      ? [
          `  its shards, each one's own seconds in its worker (m: rules matched over its rows, r: every rule re-cited): ${r.shards.map((s) => `${sec(s.seconds)} ${s.rulesMatched > 0 ? 'm' : 'r'}`).join(', ')}`,
          `  their steps, seconds summed (${SHARD_STEPS.join(' / ')}): ${shardSteps(r.shards)}`,
        ]
      : []),
    `  appeared: ${list(r.found.appeared)} (expected ${list(r.expected.appeared)})`,
    `  disappeared: ${list(r.found.disappeared)} (expected ${list(r.expected.disappeared)})`,
    `  other leads whose amount changed: ${r.amountsChanged}; ${r.asExpected ? 'exactly the expected leads changed' : 'NOT the expected leads'}`,
  ].join('\n');
}

/** The steps a MatchShard logs, in order. */
const SHARD_STEPS = ['read', 'fingerprint', 'recite', 'match', 'store'] as const;

/** `re-cited 0.5 / 0.9 / 5.6 / 0.0 / 2.5 s, matched …`: each step's seconds summed over the shards of each sort. */
function shardSteps(shards: readonly ShardSeconds[]): string {
  const sorts = [
    ['re-cited', shards.filter((s) => s.rulesMatched === 0)],
    ['matched', shards.filter((s) => s.rulesMatched > 0)],
  ] as const;
  return sorts
    .filter(([, of]) => of.length > 0)
    .map(
      ([name, of]) =>
        `${name} ${SHARD_STEPS.map((step) => sec(of.reduce((sum, s) => sum + (s.steps[step] ?? 0), 0) / 1000)).join(' / ')} s`,
    )
    .join(', ');
}

/**
 * `its tasks: PlanCollision 1.2 s, MatchShard 30.4 s (16×: 1.9, 2.0, … s), …`: each task's wall
 * seconds (overlapping invocations once) and, for a task invoked several times, each invocation's
 * seconds in the order they started (where a fan-out's time goes).
 */
export function tasksLine(tasks: readonly TaskSeconds[]): string {
  const each = tasks.map(
    (t) =>
      `${t.task} ${sec(t.seconds)} s${t.invocations > 1 ? ` (${t.invocations}×: ${t.each.map(sec).join(', ')} s)` : ''}`,
  );
  return `its tasks: ${each.join(', ') || 'none reported'}`;
}

/** When the leads were stored and when the public projections were synced (the sync runs beside the collision). */
export function readinessLine(run: CountyBench): string {
  return `upload → leads stored ${at(run.wall.toLeadsStored)}; → disclosure synced ${at(run.wall.toDisclosureSynced)} (SyncDisclosure, its own step beside the collision)`;
}

/** The whole report. */
export function countyReport(run: CountyBench, machine: string): string {
  const { county, duckdb } = run;
  const platformSeconds = run.wall.toExported;
  const byName = new Map<string, number>();
  for (const p of run.processes) byName.set(p.name, (byName.get(p.name) ?? 0) + p.peakRss);
  const hwm = [...byName].map(([name, bytes]) => `${name} ${mib(bytes)}`).join(', ');
  return [
    `${county.countyName}: ${int(county.stats.persons)} persons, ${run.uploadedFiles} files, ${int(county.stats.payments)} payments, ${county.expected.length} expected leads — ${machine}`,
    '',
    stageTable(run),
    '',
    `upload → all workflows done ${sec(run.wall.toCollided)} s; → leads exported ${sec(run.wall.toExported)} s (${run.executions.total} workflow executions, ${run.executions.failed} not succeeded; ${run.leadsExported} leads exported)`,
    readinessLine(run),
    `collision stage (first load), ${tasksLine(run.collisionTasks)}`,
    ...(run.disclosure ? [disclosureSyncLine(run.disclosure)] : []),
    ...run.notInForce.map((f) => `NOT IN FORCE: ${f.file} (${f.outcome}: ${f.message ?? ''})`),
    reuploadLine(run),
    `peak RSS of the platform: ${mib(run.peak.total)}${run.peakWhen ? ` at ${run.peakWhen.seconds.toFixed(1)} s after the upload began (running: ${run.peakWhen.tasks.join(', ') || 'no task'})` : ''} (sampled every 200 ms, summed over its process tree: node = the platform process with the API, s3rver, the Step Functions runner and the functions' worker thread; java = DynamoDB Local; esbuild = tsx's compiler service; the stage columns are peaks while that stage worked). OS high-water marks at the end (summed per executable): ${hwm || 'n/a'}`,
    '',
    'recall of the exported leads against the generator’s truth:',
    reportTable(run.report),
    '',
    `DuckDB (plain SQL on the raw ID strings, R01/R04/R06/R08): ${sec(duckdb.seconds)} s for ${duckdb.filesRead} files (${duckdb.transcoded} GBK files decoded to UTF-8 first: ${sec(duckdb.transcodeSeconds)} s), ` +
      `platform upload → export ${sec(platformSeconds)} s: ratio ${(platformSeconds / Math.max(duckdb.seconds, 0.001)).toFixed(1)}×`,
    `DuckDB rows: ${Object.entries(duckdb.rows)
      .map(([kind, n]) => `${kind} ${int(n)}`)
      .join(', ')}`,
    duckdb.skipped.length === 0
      ? 'DuckDB skipped no file'
      : `DuckDB skipped ${duckdb.skipped.length} file(s): ${duckdb.skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}`,
    duckdbTable(run),
  ].join('\n');
}
