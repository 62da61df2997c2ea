import {
  buildReference,
  evaluateRules,
  kindsRead,
  kindsReadByRecipient,
  type MatchInput,
  POVERTY_ASSET_KINDS,
  povertyMemberIds,
  REFERENCE_ONLY_KINDS,
  RULE_REFERENCE_KINDS,
  RULES,
  type Rule,
  referenceRow,
  type SourceRow,
} from '@jiandu/domain';
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { Finding } from '@jiandu/domain/model';
import { hasUsableId } from '@jiandu/domain/rules/common';
import type { ShardResult, ShardTask } from '../contracts.js';
import type { DataReadDeps, MatchShardDeps } from '../deps.js';
import { type CollisionManifest, referencePartKeys } from '../manifest.js';
import { ShardReuse } from '../match-reuse.js';
import { findingsKey, routedKey } from '../shards.js';
import {
  addRows,
  isRoutedElsewhere,
  lineOfIdIn,
  loadVersionShards,
  readSourceRows,
  readStoredJson,
  sortRows,
} from '../source-rows.js';

/** Read a JSON object the pipeline wrote to the data bucket. */
export async function readJson<T>(deps: DataReadDeps, key: string): Promise<T> {
  const value = await readStoredJson<T>(deps, key);
  if (value === undefined) throw new Error(`Missing pipeline object ${key}`);
  return value;
}

/**
 * Workflow step 3 (one Map iteration): run the run's rules over one shard. The shard holds
 * every row of its people (by ID hash), the lost-ID rows the plan step matched to them by
 * name + village, and every village-finance row of its villages; its reference (who lives with
 * whom, officials, payroll, entities, poverty households and their assets) is built from the
 * reference kinds' rows of its own slice plus what the plan step sent it of other shards
 * (`cutReference`: the household members, poverty households, payees and contractors its rules
 * look up). A poverty household's members live in several shards, so R02/R03 emit partial
 * findings that ScoreAndStore combines. A rule whose inputs here are by content those of an
 * earlier match re-cites that match's findings (`match-reuse.ts`); when no rule is left to
 * match, the shard's rows are not read at all.
 */
export async function matchShard(deps: MatchShardDeps, task: ShardTask): Promise<ShardResult> {
  const started = performance.now();
  const manifest = await readJson<CollisionManifest>(deps, task.manifestKey);
  const rules = RULES.filter((r) => manifest.rules.includes(r.code));
  // Milliseconds of each step, for the log: where a shard's time goes.
  const steps: Record<string, number> = {};
  let lapped = started;
  const lap = (step: 'read' | 'fingerprint' | 'recite' | 'match' | 'store') => {
    const now = performance.now();
    steps[step] = Math.round(now - lapped);
    lapped = now;
  };
  const routed = await readRouted(deps, manifest, task);
  lap('read');
  // Each rule whose inputs here digest as in an earlier match re-cites what that match found;
  // the others are matched, over the input a match of all the run's rules reads.
  const reuse = new ShardReuse(deps, manifest, task.shard, routed);
  const settings = deps.ruleConfig as unknown as Readonly<Record<string, unknown>>;
  const fingerprints = new Map(rules.map((r) => [r.code, reuse.fingerprint(r, settings[r.code])]));
  lap('fingerprint');
  const recited = new Map<string, Finding[]>();
  for (const rule of rules) {
    const fingerprint = fingerprints.get(rule.code);
    // Anything an earlier run kept that cannot be read back (expired, say) means: match — said
    // in the log, so a re-cite that keeps failing doesn't silently cost a full match each run.
    const found =
      fingerprint === undefined
        ? undefined
        : await reuse.recite(fingerprint).catch((error: unknown) => {
            deps.log.warn('re-cite failed; matching the rule', {
              rule: rule.code,
              shard: task.shard,
              error: error instanceof Error ? error.message : String(error),
            });
            return undefined;
          });
    if (found) recited.set(rule.code, found);
  }
  lap('recite');
  const matched = rules.filter((r) => !recited.has(r.code));
  const read = matched.length > 0 ? await readShardInput(deps, manifest, task, rules, routed) : undefined;
  const findings: Finding[] = rules.flatMap(
    (rule) => recited.get(rule.code) ?? (read ? evaluateRules(read.input, deps.ruleConfig, [rule]) : []),
  );
  lap('match');
  const key = findingsKey(task.runId, task.shard);
  await deps.objects.put(deps.buckets.data, key, JSON.stringify(findings), 'application/json');
  // Recorded once the findings are stored: a record always names findings that exist.
  await Promise.all(
    matched.map((rule) => {
      const fingerprint = fingerprints.get(rule.code);
      return fingerprint === undefined ? undefined : reuse.record(fingerprint, rule.code, key);
    }),
  );
  lap('store');
  const result: ShardResult = {
    shard: task.shard,
    findingsKey: key,
    findings: findings.length,
    rows: read?.rows ?? 0,
    recited: rules.length > 0 && read === undefined,
    durationMs: Math.round(performance.now() - started),
    // maxRSS is in kilobytes: the peak of the whole process (in Lambda, of its warm container).
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  // The task's own time, apart from any wait for a worker or a Lambda (what a run's Map shows).
  deps.log.info('shard matched', {
    runId: task.runId,
    shard: task.shard,
    rulesRecited: recited.size,
    rulesMatched: matched.length,
    rows: result.rows,
    findings: result.findings,
    durationMs: result.durationMs,
    steps,
  });
  return result;
}

/** Tags rows with their version's dataset, which orders them (`SourceRow.datasetKey`). */
function datasetTagger(manifest: CollisionManifest): (row: SourceRow) => SourceRow {
  const keys = new Map(manifest.versions.map((v) => [v.versionId, v.datasetKey]));
  return (row) => {
    // Rows freshly parsed for this shard: tagged in place rather than copied.
    const key = keys.get(row.versionId);
    if (key !== undefined) (row as { datasetKey?: string }).datasetKey = key;
    return row;
  };
}

/** The rows the plan step routed to the task's shard (lost IDs found by name + village), tagged. */
async function readRouted(
  deps: DataReadDeps,
  manifest: CollisionManifest,
  task: Pick<ShardTask, 'runId' | 'shard'>,
): Promise<SourceRow[]> {
  if ((manifest.routed[task.shard] ?? 0) === 0) return [];
  const tag = datasetTagger(manifest);
  return (await readSourceRows(deps, routedKey(task.runId, task.shard))).map(tag);
}

/**
 * What `rules` see in one shard of a run ({@link matchShard}), and how many rows the shard holds.
 * Rows are dropped or trimmed as they stream in, so that what the shard does not keep is never
 * all held: lost-ID rows the plan step routes to their person's shard go, rows of the reference
 * kinds are cut to what the reference keeps of them ({@link referenceRow}: rules read no more of
 * a registry or poverty row than its evidence shows, as rows or in the reference, so both see
 * the same row objects), of property and vehicles only what the slice's poverty-household
 * members own is parsed at all, and of the kinds the rules look up by payment only
 * ({@link kindsReadByRecipient}: social insurance, deaths) only the rows of people paid here. Every row is tagged with its version's dataset, which orders it.
 * `routedRows`: the routed rows when the caller read them already ({@link readRouted}).
 */
export async function readShardInput(
  deps: DataReadDeps,
  manifest: CollisionManifest,
  task: Pick<ShardTask, 'runId' | 'shard'>,
  rules: readonly Rule[],
  routedRows?: readonly SourceRow[],
): Promise<{ input: MatchInput; rows: number }> {
  const tag = datasetTagger(manifest);
  const needed = new Set<DatasetKind>(kindsRead(rules));
  const inForce = (test: (kind: DatasetKind) => boolean) =>
    manifest.versions.filter((v) => needed.has(v.kind) && test(v.kind));
  // Read once the payments are: only the rows of the people paid here (social insurance, deaths).
  const byRecipient = new Set(kindsReadByRecipient(rules));
  const later = (kind: DatasetKind) => POVERTY_ASSET_KINDS.has(kind) || byRecipient.has(kind);
  const slice = { shard: task.shard, of: manifest.shardCount };
  const referenceKinds = new Set(RULE_REFERENCE_KINDS);
  const cut = (row: SourceRow): SourceRow =>
    referenceKinds.has(row.kind) ? (referenceRow(row) ?? row) : row;
  const [loaded, routed, crossing] = await Promise.all([
    loadVersionShards(
      deps,
      inForce((kind) => !later(kind)),
      slice,
      new Map(),
      (row) => (isRoutedElsewhere(row) ? undefined : cut(tag(row))),
    ),
    routedRows ?? readRouted(deps, manifest, task),
    Promise.all(referencePartKeys(manifest, task.shard).map((key) => readSourceRows(deps, key))).then(
      (parts) => parts.flat().map(tag),
    ),
  ]);
  if (routed.length > 0) {
    const rows = routed.filter((row) => needed.has(row.kind)).map(cut);
    addRows(loaded, rows);
    for (const kind of new Set(rows.map((row) => row.kind))) sortRows(loaded.get(kind) ?? []);
  }
  const povertyMembers = povertyMemberIds(loaded.get('poverty_registry') ?? []);
  const recipients = new Set<string>();
  for (const row of loaded.get('subsidy_payments') ?? []) if (hasUsableId(row)) recipients.add(row.idNumber);
  // One after the other: each holds up to MAX_OPEN_READS stored shards open.
  await loadVersionShards(
    deps,
    inForce((kind) => POVERTY_ASSET_KINDS.has(kind)),
    slice,
    loaded,
    (row) => referenceRow(tag(row), povertyMembers),
    lineOfIdIn(povertyMembers),
  );
  await loadVersionShards(
    deps,
    inForce((kind) => byRecipient.has(kind) && !POVERTY_ASSET_KINDS.has(kind)),
    slice,
    loaded,
    (row) => (isRoutedElsewhere(row) ? undefined : cut(tag(row))),
    lineOfIdIn(recipients),
  );
  const rows = [...loaded.values()].reduce((n, r) => n + r.length, 0) + crossing.length;
  // The shard's reference: its own rows of the reference kinds, as the plan step keeps them, and
  // the rows sent from other shards, each kind in the whole reference's order. Officials,
  // payroll, entities and assets are read for it only, not as rows.
  const byKind = new Map<DatasetKind, SourceRow[]>();
  for (const kind of RULE_REFERENCE_KINDS) {
    const list = loaded.get(kind);
    if (!list) continue;
    byKind.set(kind, REFERENCE_ONLY_KINDS.has(kind) ? list : [...list]);
    if (REFERENCE_ONLY_KINDS.has(kind)) loaded.delete(kind);
  }
  addRows(byKind, crossing);
  for (const kind of new Set(crossing.map((row) => row.kind))) sortRows(byKind.get(kind) ?? []);

  // Kinds with data in force anywhere (not just in this shard): absence rules like R08 need it.
  const kindsInForce = new Set(manifest.versions.map((v) => v.kind));
  const input: MatchInput = {
    rows: (kind) => {
      // Not loaded: a rule reading them as rows would silently see none.
      if (REFERENCE_ONLY_KINDS.has(kind))
        throw new Error(`Rules look ${kind} up in the reference, not as rows`);
      return loaded.get(kind) ?? [];
    },
    hasKind: (kind) => kindsInForce.has(kind),
    reference: buildReference(
      (kind) => byKind.get(kind) ?? [],
      new Map(Object.entries(manifest.villageTownships)),
    ),
  };
  return { input, rows };
}
