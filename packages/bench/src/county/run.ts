/**
 * `npm run bench:county`: one county, end to end, as a new user would run it — generated
 * (cached), uploaded with the staff CLI to an empty local platform, collided, exported —
 * with the time, throughput and peak memory of every stage, the recall of the exported leads
 * against the generator's truth, and DuckDB's plain-SQL take on four rules over the same files.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AccuracyReport, ALL_RULES, compareLeads } from '@jiandu/accuracy/compare';
import { planUpload } from '@jiandu/cli/layout';
import { main as cli } from '@jiandu/cli/main';
import { DEFAULT_MIN_SCORE } from '@jiandu/domain/leads/query';
import type { RuleCode } from '@jiandu/domain/model';
import { connectPlatform } from '@jiandu/local/control';
import { ENDPOINT_FILE, readEndpointFile } from '@jiandu/local/endpoint-file';
import type { TaskTiming } from '@jiandu/local/platform';
import { type CachedCounty, type CountySpec, cachedCounty } from './county-cache.js';
import {
  type DisclosureSyncFigures,
  disclosureSyncFigures,
  FUNCTIONS_LOG,
  logEntries,
} from './disclosure-sync.js';
import { DUCKDB_RULES, type DuckDbRun, runDuckDbRules } from './duckdb-rules.js';
import { exportedLeads, exportRows, platformLeadIds } from './exported-leads.js';
import type { PlatformChildMessage } from './platform-child.js';
import { type Interval, type MemoryPeaks, MemorySampler, type ProcessMemory } from './process-tree.js';
import { changeOneMonthlyRoster, type LeadKey, type RosterChange } from './roster-change.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PLATFORM_CHILD = fileURLToPath(new URL('./platform-child.ts', import.meta.url));

/** The tasks of the collision proper; the disclosure sync runs beside them; every other task is per-file work. */
const COLLISION_TASKS: ReadonlySet<string> = new Set(['PlanCollision', 'MatchShard', 'ScoreAndStore']);
const SYNC_TASK = 'SyncDisclosure';

/** The measured stages, in order (`re-upload`: one changed roster uploaded again → its leads exported). */
export const STAGES = ['upload', 'normalize', 'collision', 'export', 're-upload'] as const;
export type Stage = (typeof STAGES)[number];

/** One stage's figures. */
export interface StageFigures {
  readonly stage: Stage;
  /** Wall seconds the stage was at work (tasks overlapping one another count once). */
  readonly seconds: number;
  /** What `rows` counts. */
  readonly rowsOf: string;
  readonly rows: number;
  /** Peak RSS of the platform's process tree while the stage worked; undefined without samples. */
  readonly peak: MemoryPeaks | undefined;
}

/** Options of {@link runCountyBench}. */
export interface CountyBenchOptions extends CountySpec {
  /** Where generated counties are cached (default `.bench/` at the repository root). */
  readonly cacheDir?: string;
  /** Longest wait for the upload and the workflows, ms (default 6 h). */
  readonly timeoutMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Everything one run measured. */
export interface CountyBench {
  readonly county: CachedCounty;
  readonly stages: readonly StageFigures[];
  /**
   * Upload start → every workflow done; → lead export written; and, of the first load, → the
   * last leads stored (ScoreAndStore) and → the last disclosure sync finished (SyncDisclosure,
   * beside the collision): when the inspectors' leads and when the public pages were ready.
   */
  readonly wall: {
    readonly toCollided: number;
    readonly toExported: number;
    readonly toLeadsStored: number | undefined;
    readonly toDisclosureSynced: number | undefined;
  };
  readonly executions: { readonly total: number; readonly failed: number };
  /** Peak RSS over the whole run, and each process's OS high-water mark at its end. */
  readonly peak: MemoryPeaks;
  /** When the whole run's peak was sampled: seconds after the upload began, and the tasks running then. */
  readonly peakWhen?: { readonly seconds: number; readonly tasks: readonly string[] };
  readonly processes: readonly ProcessMemory[];
  readonly uploadedFiles: number;
  /** Files the CLI reported failed, rejected or held, with its message. */
  readonly notInForce: readonly {
    readonly file: string;
    readonly outcome: string;
    readonly message?: string;
  }[];
  readonly leadsExported: number;
  readonly reupload: Reupload;
  readonly report: AccuracyReport;
  readonly duckdb: DuckDbRun & { readonly report: AccuracyReport };
  /**
   * The first load's collision tasks and the disclosure sync beside them: wall seconds each
   * was at work, so the collision stage's time can be told apart.
   */
  readonly collisionTasks: readonly TaskSeconds[];
  /** The disclosure projection syncs (inside the collision stage). */
  readonly disclosure?: DisclosureSyncFigures;
}

/** The re-upload of one changed monthly roster, and whether exactly the expected leads changed. */
export interface Reupload {
  /** The roster (same object key as its first upload) and what was changed in it. */
  readonly relativePath: string;
  readonly description: string;
  /** The CLI's outcome for the file (`new`: a new version replaced the one in force). */
  readonly outcome: string;
  /** Re-upload start → the updated leads exported, seconds (the workflow, the sync beside it, and the export). */
  readonly seconds: number;
  /**
   * Re-upload start → its ScoreAndStore done: the leads are updated (what an inspector's lead
   * list shows), seconds; the issue's "≤ 30 s to updated leads".
   */
  readonly toLeadsStored?: number;
  /** Re-upload start → its SyncDisclosure done (the public projections updated beside the collision), seconds. */
  readonly toDisclosureSynced?: number;
  /** The collision's figures as the CLI reported them. */
  readonly collision?: {
    readonly leadsNew: number;
    readonly leadsUpdated: number;
    readonly leadsUnchanged: number;
    readonly leadsSuperseded: number;
  };
  /** Workflow executions of the re-upload that did not succeed. */
  readonly failed: number;
  /** Wall seconds each task of the re-upload was at work, in the order they first ran. */
  readonly tasks: readonly TaskSeconds[];
  /** Its collision's shards in shard order: each one's own seconds in its worker, and whether it matched or only re-cited. */
  readonly shards?: readonly ShardSeconds[];
  /** Lead ids (`rule:id`), expected from the truth and as exported. */
  readonly expected: { readonly appeared: readonly string[]; readonly disappeared: readonly string[] };
  readonly found: { readonly appeared: readonly string[]; readonly disappeared: readonly string[] };
  /** Leads in both exports whose amount changed (those of poverty households the change touches may). */
  readonly amountsChanged: number;
  /** Exactly the expected leads appeared and disappeared. */
  readonly asExpected: boolean;
}

/** Seconds from `from` to the end of the last successful invocation of `task`, if any. */
function lastEndOf(tasks: readonly TaskTiming[], task: string, from: number): number | undefined {
  const ends = tasks.filter((t) => t.task === task && t.ok).map((t) => t.endedAt);
  return ends.length > 0 ? (Math.max(...ends) - from) / 1000 : undefined;
}

/** `{ [name]: value }`, or nothing when the value is undefined (optional properties stay absent). */
const optional = <K extends string>(name: K, value: number | undefined) =>
  (value === undefined ? {} : { [name]: value }) as { [P in K]?: number };

/** Wall seconds one task was at work (its overlapping invocations count once), and how often it ran. */
export interface TaskSeconds {
  readonly task: string;
  readonly seconds: number;
  readonly invocations: number;
  /** Each invocation's seconds, in the order they started. */
  readonly each: readonly number[];
}

/** One MatchShard invocation as it logged itself (`shard matched`). */
export interface ShardSeconds {
  readonly shard: number;
  readonly seconds: number;
  /** Rules matched over the shard's rows (0: every rule re-cited an earlier match). */
  readonly rulesMatched: number;
  /** Milliseconds of each of its steps (`read`, `fingerprint`, `recite`, `match`, `store`). */
  readonly steps: Readonly<Record<string, number>>;
}

/** The shards of the last collision run in a structured JSON log (`shard matched` lines), in shard order. */
export function lastRunShards(log: string): ShardSeconds[] {
  const byRun = new Map<string, ShardSeconds[]>();
  let last: string | undefined;
  for (const entry of logEntries(log, 'shard matched')) {
    if (typeof entry.runId !== 'string') continue;
    last = entry.runId;
    byRun.set(last, [
      ...(byRun.get(last) ?? []),
      {
        shard: Number(entry.shard),
        seconds: Number(entry.durationMs) / 1000,
        rulesMatched: Number(entry.rulesMatched),
        steps: (entry.steps ?? {}) as Record<string, number>,
      },
    ]);
  }
  return (last === undefined ? [] : (byRun.get(last) ?? [])).sort((a, b) => a.shard - b.shard);
}

/** Each task's wall seconds and invocations, in the order the tasks first ran. */
export function taskSeconds(tasks: readonly TaskTiming[]): TaskSeconds[] {
  return [...new Set(tasks.map((t) => t.task))].map((task) => {
    const spans = tasks
      .filter((t) => t.task === task)
      .map((t) => ({ from: t.startedAt, to: t.endedAt }))
      .sort((a, b) => a.from - b.from);
    return {
      task,
      seconds: spanSeconds(spans),
      invocations: spans.length,
      each: spans.map((i) => (i.to - i.from) / 1000),
    };
  });
}

/** The union of intervals, merged. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else out.push({ ...i });
  }
  return out;
}

const spanSeconds = (intervals: readonly Interval[]): number =>
  union(intervals).reduce((sum, i) => sum + (i.to - i.from), 0) / 1000;

/** What `upload --json` prints. */
interface UploadJson {
  readonly files: readonly {
    readonly file: string;
    readonly outcome: string;
    readonly message?: string;
    readonly quality?: { readonly rowsRead: number; readonly accepted: number };
  }[];
  readonly collision?: { readonly summary?: Reupload['collision'] };
}

/** The CLI's JSON document: it ends at its first unindented `}` (the CLI may print lines after it). */
function uploadJson(stdout: string): UploadJson {
  return JSON.parse(stdout.slice(0, stdout.indexOf('\n}') + 2)) as UploadJson;
}

/** The lead ids of an export (`rule:id`) with their amounts. */
function exportedAmounts(csv: string): Map<string, string> {
  return new Map(exportRows(csv).map((row) => [`${row.rule}:${row.lead_id}`, row.amount]));
}

/** Which leads the re-upload made appear and disappear, against those the change must. */
export function compareReupload(
  before: string,
  after: string,
  change: RosterChange,
  leadIdOf: (rule: RuleCode, subjectKey: string) => string,
  run: {
    readonly upload: UploadJson;
    readonly startedAt: number;
    readonly endedAt: number;
    readonly failed: number;
    readonly tasks: readonly TaskTiming[];
  },
): Reupload {
  const was = exportedAmounts(before);
  const is = exportedAmounts(after);
  const ids = (keys: readonly LeadKey[]) =>
    keys.map((k) => `${k.rule}:${leadIdOf(k.rule, k.subjectKey)}`).sort();
  const expected = { appeared: ids(change.appear), disappeared: ids(change.disappear) };
  const found = {
    appeared: [...is.keys()].filter((id) => !was.has(id)).sort(),
    disappeared: [...was.keys()].filter((id) => !is.has(id)).sort(),
  };
  const same = (a: readonly string[], b: readonly string[]) => a.join() === b.join();
  const summary = run.upload.collision?.summary;
  return {
    relativePath: change.relativePath,
    description: change.description,
    outcome: run.upload.files.map((f) => f.outcome).join(', '),
    seconds: (run.endedAt - run.startedAt) / 1000,
    ...optional('toLeadsStored', lastEndOf(run.tasks, 'ScoreAndStore', run.startedAt)),
    ...optional('toDisclosureSynced', lastEndOf(run.tasks, SYNC_TASK, run.startedAt)),
    ...(summary ? { collision: summary } : {}),
    failed: run.failed,
    tasks: taskSeconds(run.tasks),
    expected,
    found,
    amountsChanged: [...is].filter(([id, amount]) => was.has(id) && was.get(id) !== amount).length,
    asExpected:
      same(expected.appeared, found.appeared) &&
      same(expected.disappeared, found.disappeared) &&
      run.failed === 0 &&
      run.upload.files.every((f) => f.outcome === 'new'),
  };
}

/** Start the platform in its own process; resolves once it serves, with the task timings it reports. */
async function startPlatformProcess(
  dataDir: string,
): Promise<{ child: ChildProcess; tasks: TaskTiming[]; stop(): Promise<void> }> {
  const child = fork(PLATFORM_CHILD, [dataDir], {
    cwd: REPO_ROOT,
    execArgv: ['--import', './scripts/node-support.mjs', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const tasks: TaskTiming[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    child.on('message', (message: PlatformChildMessage) => {
      if (message.type === 'ready') ready();
      else if (message.type === 'task') tasks.push(message.timing);
      else if (message.type === 'error') fail(new Error(`the platform did not start: ${message.message}`));
    });
    child.once('exit', (code) =>
      fail(new Error(`the platform process exited (${code}) before it was ready`)),
    );
  });
  return {
    child,
    tasks,
    stop: async () => {
      if (child.exitCode === null && child.connected) child.send({ type: 'stop' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Run the staff CLI in this process, each output line stamped with the time it came. */
async function runCli(
  argv: string[],
): Promise<{ code: number; stdout: string; lines: { at: number; text: string }[] }> {
  let stdout = '';
  const lines: { at: number; text: string }[] = [];
  const code = await cli({
    argv,
    env: {},
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      for (const line of text.split('\n')) if (line !== '') lines.push({ at: Date.now(), text: line });
    },
  });
  return { code, stdout, lines };
}

/** Generate (or reuse) the county, run it through a fresh platform and DuckDB, and measure. */
export async function runCountyBench(options: CountyBenchOptions): Promise<CountyBench> {
  const log = options.log ?? (() => undefined);
  const timeoutS = String(Math.ceil((options.timeoutMs ?? 6 * 3600_000) / 1000));
  const county = cachedCounty(options.cacheDir ?? join(REPO_ROOT, '.bench'), options);
  log(
    `${county.countyName}: ${county.stats.persons} persons, ${county.files.length} files, ${county.stats.payments} payments, ` +
      `${county.expected.length} expected leads (${county.generated ? `generated in ${county.generateSeconds.toFixed(1)} s` : 'from the cache'}: ${county.uploadFolder})`,
  );
  const plan = planUpload(county.uploadFolder, {});

  const work = mkdtempSync(join(tmpdir(), 'jiandu-bench-county-'));
  const dataDir = join(work, 'platform');
  const platform = await startPlatformProcess(dataDir);
  const sampler = new MemorySampler(platform.child.pid as number);
  try {
    log(`platform started (pid ${platform.child.pid}, data ${dataDir}); uploading with the CLI…`);
    const uploadStart = Date.now();
    const upload = await runCli([
      'upload',
      county.uploadFolder,
      '--data',
      dataDir,
      '--json',
      '--timeout',
      timeoutS,
    ]);
    // Exit 1 (a file failed or was held) still leaves a county to measure: go on and report it.
    if (upload.code !== 0 && upload.code !== 1)
      throw new Error(
        `npm run cli -- upload exited with ${upload.code}:\n${upload.lines.map((l) => l.text).join('\n')}`,
      );
    const putLines = upload.lines.filter((l) => l.text.startsWith('已上传'));
    const uploadEnd = putLines.at(-1)?.at ?? uploadStart;
    const results = uploadJson(upload.stdout);
    const notInForce = results.files.filter((f) => !['new', 'unchanged', 'restored'].includes(f.outcome));
    for (const f of notInForce) log(`not in force: ${f.file} (${f.outcome}: ${f.message ?? ''})`);
    const rowsRead = results.files.reduce((sum, f) => sum + (f.quality?.rowsRead ?? 0), 0);
    const accepted = results.files.reduce((sum, f) => sum + (f.quality?.accepted ?? 0), 0);

    // The CLI waited for its files' executions; a collision started for the folder as a whole
    // may still run: wait until the platform is idle.
    const endpoints = readEndpointFile(join(dataDir, ENDPOINT_FILE));
    const remote = connectPlatform(endpoints);
    await remote.waitForIdle(options.timeoutMs ?? 6 * 3600_000);
    const collided = Date.now();
    const executions = await remote.executions();
    const failed = executions.filter((e) => e.status !== 'SUCCEEDED').length;
    log(
      `uploaded ${plan.files.length} files in ${((uploadEnd - uploadStart) / 1000).toFixed(1)} s; all ${executions.length} workflow executions done after ${((collided - uploadStart) / 1000).toFixed(1)} s (${failed} not succeeded); exporting…`,
    );

    /** `leads export` of every lead (canonical headers) into `file`; resolves when written. */
    const exportTo = async (file: string): Promise<void> => {
      // Every lead the platform found: without `--min-score 0` the export is the lead list's
      // default view, which hides scores below LEAD_LIST_MIN_SCORE — a display setting, not a
      // finding (a poverty member's lead with no payments and a repaired ID scores 15).
      const exported = await runCli([
        'leads',
        'export',
        '--out',
        file,
        '--headers',
        'canonical',
        '--min-score',
        '0',
        '--data',
        dataDir,
      ]);
      if (exported.code !== 0)
        throw new Error(
          `npm run cli -- leads export exited with ${exported.code}: ${exported.lines.map((l) => l.text).join('\n')}`,
        );
    };
    const exportFile = join(work, 'leads.csv');
    const exportStart = Date.now();
    await exportTo(exportFile);
    const exportEnd = Date.now();
    sampler.sample();
    const found = exportedLeads(readFileSync(exportFile, 'utf8'), county.expected, dataDir);
    const hidden = found.filter((f) => f.score < DEFAULT_MIN_SCORE).length;
    log(
      `exported ${found.length} leads in ${((exportEnd - exportStart) / 1000).toFixed(1)} s (${hidden} of them scored below ${DEFAULT_MIN_SCORE}, which the lead list's default view hides)`,
    );

    // The re-upload: one monthly roster changed, uploaded again under its key, → updated leads.
    const change = await changeOneMonthlyRoster({
      files: plan.files,
      expected: county.expected,
      decoys: county.decoys,
      outDir: work,
    });
    log(`re-uploading one changed roster: ${change.description}`);
    const executionsBefore = executions.length;
    const reuploadStart = Date.now();
    const again = await runCli(['upload', change.folder, '--data', dataDir, '--json', '--timeout', timeoutS]);
    if (again.code !== 0 && again.code !== 1)
      throw new Error(
        `npm run cli -- upload (re-upload) exited with ${again.code}:\n${again.lines.map((l) => l.text).join('\n')}`,
      );
    await remote.waitForIdle(options.timeoutMs ?? 6 * 3600_000);
    const exportAfter = join(work, 'leads-after.csv');
    await exportTo(exportAfter);
    const reuploadEnd = Date.now();
    sampler.sample();
    const processes = sampler.processes();
    const reupload = compareReupload(
      readFileSync(exportFile, 'utf8'),
      readFileSync(exportAfter, 'utf8'),
      change,
      platformLeadIds(dataDir),
      {
        upload: uploadJson(again.stdout),
        startedAt: reuploadStart,
        endedAt: reuploadEnd,
        failed: (await remote.executions()).slice(executionsBefore).filter((e) => e.status !== 'SUCCEEDED')
          .length,
        tasks: platform.tasks.filter((t) => t.startedAt >= reuploadStart),
      },
    );
    log(
      `re-upload → leads stored ${reupload.toLeadsStored?.toFixed(1) ?? 'n/a'} s, → updated leads exported ${reupload.seconds.toFixed(1)} s: ${reupload.found.appeared.length} appeared, ${reupload.found.disappeared.length} disappeared (${reupload.asExpected ? 'as expected' : 'NOT as expected'})`,
    );

    // The first load's stages: what ran before its export (the re-upload's tasks come after).
    const firstLoad = platform.tasks.filter((t) => t.startedAt < exportStart);
    const lastEnd = (task: string) => lastEndOf(firstLoad, task, uploadStart);
    const normalizing = firstLoad
      .filter((t) => !COLLISION_TASKS.has(t.task) && t.task !== SYNC_TASK)
      .map((t) => ({ from: t.startedAt, to: t.endedAt }));
    const colliding = firstLoad
      .filter((t) => COLLISION_TASKS.has(t.task))
      .map((t) => ({ from: t.startedAt, to: t.endedAt }));
    const uploading = [{ from: uploadStart, to: uploadEnd }];
    const exporting = [{ from: exportStart, to: exportEnd }];
    const figures = (stage: Stage, spans: Interval[], rowsOf: string, rows: number): StageFigures => {
      const peak = sampler.peaks(union(spans));
      return { stage, seconds: spanSeconds(spans), rowsOf, rows, peak: peak.samples > 0 ? peak : undefined };
    };
    const stages = [
      figures('upload', uploading, 'rows in the files', rowsRead),
      figures('normalize', normalizing, 'rows read', rowsRead),
      figures('collision', colliding, 'rows accepted', accepted),
      figures('export', exporting, 'leads', found.length),
      figures(
        're-upload',
        [{ from: reuploadStart, to: reuploadEnd }],
        'rows in the changed file',
        change.rows,
      ),
    ];
    const peak = sampler.peaks();
    sampler.stop();
    await platform.stop();
    const functionsLog = join(dataDir, FUNCTIONS_LOG);
    const functionsLines = existsSync(functionsLog) ? readFileSync(functionsLog, 'utf8') : '';
    const disclosure = disclosureSyncFigures(functionsLines);
    // The re-upload's run is the last one to match shards.
    const shards = lastRunShards(functionsLines);

    log('running the four rules in DuckDB on the same files…');
    const duck = await runDuckDbRules(
      plan.files.map((f) => ({ kind: f.kind, path: f.path, relativePath: f.relativePath })),
      join(work, 'duckdb'),
    );
    const duckRules = new Set<string>(DUCKDB_RULES);
    return {
      county,
      stages,
      wall: {
        toCollided: (collided - uploadStart) / 1000,
        toExported: (exportEnd - uploadStart) / 1000,
        toLeadsStored: lastEnd('ScoreAndStore'),
        toDisclosureSynced: lastEnd(SYNC_TASK),
      },
      executions: { total: executions.length, failed },
      peak,
      ...(peak.at !== undefined
        ? {
            peakWhen: {
              seconds: (peak.at - uploadStart) / 1000,
              tasks: [
                ...new Set(
                  platform.tasks
                    .filter((t) => t.startedAt <= (peak.at ?? 0) && (peak.at ?? 0) <= t.endedAt)
                    .map((t) => t.task),
                ),
              ],
            },
          }
        : {}),
      processes,
      uploadedFiles: plan.files.length,
      notInForce,
      leadsExported: found.length,
      collisionTasks: taskSeconds(
        firstLoad.filter((t) => COLLISION_TASKS.has(t.task) || t.task === SYNC_TASK),
      ),
      reupload: shards.length > 0 ? { ...reupload, shards } : reupload,
      disclosure,
      report: compareLeads(county.expected, found, ALL_RULES),
      duckdb: {
        ...duck,
        report: compareLeads(
          county.expected.filter((e) => duckRules.has(e.rule)),
          duck.found,
          DUCKDB_RULES,
        ),
      },
    };
  } finally {
    sampler.stop();
    await platform.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
