import {
  combineFindings,
  type LifecycleContext,
  RULES,
  reconcileLead,
  type ScoredFinding,
  scoreFindings,
  supersedeLead,
} from '@jiandu/domain';
import type { Finding, Lead } from '@jiandu/domain/model';
import { pool } from '@jiandu/domain/pool';
import { RevisionConflictError } from '@jiandu/domain/ports';
import type { DatasetVersion } from '@jiandu/domain/versions';
import type { RunSummary, ScoreAndStoreInput } from '../contracts.js';
import type { ScoreAndStoreDeps } from '../deps.js';
import type { CollisionManifest } from '../manifest.js';
import { readJson } from './match.js';
import { standingLeadsOfRule } from './rekey.js';

/** How many times a lead write is retried when an inspector changed the lead meanwhile. */
const CONFLICT_RETRIES = 3;

/**
 * Write the leads derived from the stored ones in bulk (`putMany`): `derive` returns the lead
 * to write, or undefined when nothing changes (nothing is written then). A lead an inspector
 * changed in the meantime fails its revision condition; it is read again and derived again
 * from what the inspector left (optimistic locking): inspectors' work is never overwritten.
 * Returns the leads written.
 */
async function writeDerived(
  deps: ScoreAndStoreDeps,
  stored: ReadonlyMap<string, Lead | undefined>,
  derive: (leadId: string, current: Lead | undefined) => Lead | undefined,
): Promise<Lead[]> {
  const written: Lead[] = [];
  let current = stored;
  for (let attempt = 0; current.size > 0; attempt++) {
    const writes = [...current].flatMap(([leadId, previous]) => {
      const next = derive(leadId, previous);
      return next ? [{ next, previous }] : [];
    });
    const conflicts = new Set(await deps.leads.putMany(writes));
    written.push(...writes.filter((w) => !conflicts.has(w.next.leadId)).map((w) => w.next));
    if (conflicts.size === 0) break;
    if (attempt >= CONFLICT_RETRIES) throw new RevisionConflictError([...conflicts][0] ?? '');
    const reread = await deps.leads.getMany([...conflicts]);
    current = new Map([...conflicts].map((id) => [id, reread.get(id)]));
  }
  return written;
}

/** Why a lead of a rule that ran is gone: its evidence came from data no longer in force, or it no longer matches. */
async function supersedeReason(
  deps: ScoreAndStoreDeps,
  lead: Lead,
  inForce: ReadonlySet<string>,
  /** Versions already read in this run (many stale leads share a few versions). */
  read: Map<string, Promise<DatasetVersion | undefined>>,
): Promise<string> {
  const gone = [...new Set(lead.evidence.map((e) => e.versionId))].filter((id) => !inForce.has(id));
  for (const versionId of gone) {
    if (!read.has(versionId)) read.set(versionId, deps.versions.get(versionId));
    const version = await read.get(versionId);
    if (version?.status === 'withdrawn')
      return `依据的数据版本已撤回：${version.fileName}（${version.statusReason ?? '未说明原因'}）`;
    if (version?.status === 'replaced') return `依据的数据版本已被替换：${version.fileName}`;
  }
  if (gone.length > 0) return '依据的数据版本已不再有效';
  return '重新碰撞时该疑点不再成立（数据已更正）';
}

/** Rules whose stored leads are read, compared and written at the same time (one GSI partition each). */
const RULES_IN_FLIGHT = 3;

/** What one rule's leads did in a run. */
interface RuleCounts {
  readonly new: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly superseded: number;
}

/**
 * Store one rule's scored findings against the rule's standing leads (`standingLeads`, its index
 * partition read once, paged): new and changed leads are written in bulk, unchanged ones not at
 * all, and leads of the rule this run no longer finds are superseded. Only the leads of the
 * rules stored at once are held, whatever the county.
 */
async function storeRule(
  deps: ScoreAndStoreDeps,
  standingLeads: Promise<Lead[]>,
  scored: readonly ScoredFinding[],
  ctx: LifecycleContext,
  inForce: ReadonlySet<string>,
  versions: Map<string, Promise<DatasetVersion | undefined>>,
): Promise<RuleCounts> {
  const standing = new Map((await standingLeads).map((l) => [l.leadId, l]));
  const byId = new Map(scored.map((f) => [f.leadId, f]));
  const change = new Map<string, 'new' | 'updated' | 'unchanged'>();
  const written = await writeDerived(
    deps,
    new Map(scored.map((f) => [f.leadId, standing.get(f.leadId)])),
    (id, current) => {
      const finding = byId.get(id);
      if (!finding) return undefined;
      const result = reconcileLead(current, finding, ctx);
      change.set(id, result.change);
      return result.change === 'unchanged' ? undefined : result.lead;
    },
  );
  const created = written.filter((l) => change.get(l.leadId) === 'new').length;

  const stale = [...standing.values()].filter((l) => !byId.has(l.leadId) && l.status !== 'superseded');
  const reasons = new Map<string, string>();
  for (const lead of stale) reasons.set(lead.leadId, await supersedeReason(deps, lead, inForce, versions));
  const superseded = await writeDerived(deps, new Map(stale.map((l) => [l.leadId, l])), (id, current) => {
    if (!current) return undefined;
    const next = supersedeLead(current, reasons.get(id) ?? '', ctx);
    // A verdict (confirmed/dismissed) stays; only write when something actually changes.
    return next.status !== current.status || next.statusReason !== current.statusReason ? next : undefined;
  });
  return {
    new: created,
    updated: written.length - created,
    unchanged: scored.length - written.length,
    superseded: superseded.length,
  };
}

/**
 * Workflow step 4: score all findings of the run together (a subject that trips several
 * rules ranks higher), upsert them as leads keeping what inspectors did, supersede leads of
 * the rules that ran which this run no longer finds, and record the run's figures. Every
 * stored lead is read once: the rules that did not run for the scores, each rule that ran for
 * its comparison, a few rules at a time (the first few while the findings are read).
 */
export async function scoreAndStore(deps: ScoreAndStoreDeps, input: ScoreAndStoreInput): Promise<RunSummary> {
  const manifest = await readJson<CollisionManifest>(deps, input.manifestKey);
  const ctx = { runId: input.runId, now: deps.now() };
  await deps.leads.ensureStatistics();
  const ran = new Set(manifest.rules);
  // The table is read while the findings are read and scored here: the standing leads of the
  // rules this run did not evaluate, and those of the first rules it stores (as many as are
  // stored at once, so no more leads are held than without reading ahead). DynamoDB otherwise
  // waited for Node, then Node for DynamoDB (≈ 2 s of a 1M re-upload's ScoreAndStore).
  const othersRead = pool(
    RULES.filter((r) => !ran.has(r.code)),
    RULES_IN_FLIGHT,
    (r) => standingLeadsOfRule(deps, r.code, ctx),
  );
  const readAhead = new Map(
    manifest.rules.slice(0, RULES_IN_FLIGHT).map((rule) => [rule, standingLeadsOfRule(deps, rule, ctx)]),
  );
  // Awaited below or, should anything fail first, not an unhandled rejection.
  for (const read of readAhead.values()) read.catch(() => undefined);
  const [shardFindings, otherRules] = await Promise.all([
    Promise.all(input.shards.map((s) => readJson<Finding[]>(deps, s.findingsKey))),
    othersRead,
  ]);
  // Partial findings of subjects that span shards (poverty households) become one here.
  const findings = combineFindings(shardFindings.flat(), deps.ruleConfig);
  // A run of some rules scores "how many rules the same person trips" against the standing
  // leads of the rules it didn't run too, so a partial run and a full run agree on every score.
  const stray = findings.find((f) => !ran.has(f.rule));
  if (stray) throw new Error(`ScoreAndStore: a finding of ${stray.rule}, a rule this run did not evaluate`);
  const others = otherRules.flat().filter((lead) => lead.status !== 'superseded');
  const scored = scoreFindings([...findings, ...others], { leadIdKey: deps.leadIdKey }).slice(
    0,
    findings.length,
  );

  const inForce = new Set(manifest.versions.map((v) => v.versionId));
  // Versions already read in this run (many stale leads share a few versions).
  const versions = new Map<string, Promise<DatasetVersion | undefined>>();
  const perRule = await pool(manifest.rules, RULES_IN_FLIGHT, (rule) =>
    storeRule(
      deps,
      readAhead.get(rule) ?? standingLeadsOfRule(deps, rule, ctx),
      scored.filter((f) => f.rule === rule),
      ctx,
      inForce,
      versions,
    ),
  );
  const counts = perRule.reduce(
    (sum, c) => ({
      new: sum.new + c.new,
      updated: sum.updated + c.updated,
      unchanged: sum.unchanged + c.unchanged,
      superseded: sum.superseded + c.superseded,
    }),
    { new: 0, updated: 0, unchanged: 0, superseded: 0 },
  );

  const run = await deps.runs.get(input.runId);
  const finishedAt = deps.now();
  const summary: RunSummary = {
    runId: input.runId,
    findings: findings.length,
    leadsNew: counts.new,
    leadsUpdated: counts.updated,
    leadsUnchanged: counts.unchanged,
    leadsSuperseded: counts.superseded,
  };
  await deps.runs.save({
    runId: input.runId,
    trigger: run?.trigger ?? 'unknown',
    startedAt: run?.startedAt ?? manifest.createdAt,
    rules: manifest.rules,
    versions: manifest.versions.length,
    ...(run ?? {}),
    status: 'succeeded',
    finishedAt,
    findings: summary.findings,
    leadsNew: counts.new,
    leadsUpdated: counts.updated,
    leadsUnchanged: counts.unchanged,
    leadsSuperseded: counts.superseded,
    durationMs: Date.parse(finishedAt) - Date.parse(run?.startedAt ?? manifest.createdAt),
    shards: input.shards.map((s) => ({
      shard: s.shard,
      rows: s.rows ?? 0,
      findings: s.findings,
      ...(s.recited !== undefined ? { recited: s.recited } : {}),
      durationMs: s.durationMs ?? 0,
      peakRssMb: s.peakRssMb ?? 0,
    })),
  });
  deps.log.info('collision stored', { ...summary });
  return summary;
}
