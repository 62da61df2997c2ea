import { combineFindings, RULES, reconcileLead, scoreFindings, supersedeLead } from '@jiandu/domain';
import type { Finding, Lead } from '@jiandu/domain/model';
import { RevisionConflictError } from '@jiandu/domain/ports';
import type { RunSummary, ScoreAndStoreInput } from '../contracts.js';
import type { ScoreAndStoreDeps } from '../deps.js';
import type { CollisionManifest } from '../manifest.js';
import { readJson } from './match.js';

/** How many times a lead write is retried when an inspector changed the lead meanwhile. */
const CONFLICT_RETRIES = 3;
/** Lead writes in flight at once (DynamoDB on-demand absorbs this easily). */
const WRITE_CONCURRENCY = 16;

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/**
 * Write a lead derived from the stored one, re-reading and re-deriving when an inspector
 * changed it in the meantime (optimistic locking): inspectors' work is never overwritten.
 */
async function writeWithRetry(
  deps: ScoreAndStoreDeps,
  leadId: string,
  existing: Lead | undefined,
  derive: (current: Lead | undefined) => Lead | undefined,
): Promise<void> {
  let current = existing;
  for (let attempt = 0; ; attempt++) {
    const next = derive(current);
    if (!next) return;
    try {
      await deps.leads.put(next, current?.revision ?? 0);
      return;
    } catch (error) {
      if (!(error instanceof RevisionConflictError) || attempt >= CONFLICT_RETRIES) throw error;
      current = await deps.leads.get(leadId);
    }
  }
}

/** Why a lead of a rule that ran is gone: its evidence came from data no longer in force, or it no longer matches. */
async function supersedeReason(
  deps: ScoreAndStoreDeps,
  lead: Lead,
  inForce: ReadonlySet<string>,
): Promise<string> {
  const gone = [...new Set(lead.evidence.map((e) => e.versionId))].filter((id) => !inForce.has(id));
  for (const versionId of gone) {
    const version = await deps.versions.get(versionId);
    if (version?.status === 'withdrawn')
      return `依据的数据版本已撤回：${version.fileName}（${version.statusReason ?? '未说明原因'}）`;
    if (version?.status === 'replaced') return `依据的数据版本已被替换：${version.fileName}`;
  }
  if (gone.length > 0) return '依据的数据版本已不再有效';
  return '重新碰撞时该疑点不再成立（数据已更正）';
}

/**
 * Workflow step 4: score all findings of the run together (a subject that trips several
 * rules ranks higher), upsert them as leads keeping what inspectors did, supersede leads of
 * the rules that ran which this run no longer finds, and record the run's figures.
 */
export async function scoreAndStore(deps: ScoreAndStoreDeps, input: ScoreAndStoreInput): Promise<RunSummary> {
  const manifest = await readJson<CollisionManifest>(deps, input.manifestKey);
  // Partial findings of subjects that span shards (poverty households) become one here.
  const findings = combineFindings(
    (await Promise.all(input.shards.map((s) => readJson<Finding[]>(deps, s.findingsKey)))).flat(),
    deps.ruleConfig,
  );
  // A run of some rules scores "how many rules the same person trips" against the standing
  // leads of the rules it didn't run too, so a partial run and a full run agree on every score.
  const others = (
    await Promise.all(
      RULES.filter((r) => !manifest.rules.includes(r.code)).map((r) => deps.leads.listOfRule(r.code)),
    )
  )
    .flat()
    .filter((lead) => lead.status !== 'superseded');
  const scored = scoreFindings([...findings, ...others]).slice(0, findings.length);
  const ids = scored.map((f) => f.leadId);
  const existing = await deps.leads.getMany(ids);
  const now = deps.now();
  const ctx = { runId: input.runId, now };
  const counts = { new: 0, updated: 0, unchanged: 0, superseded: 0 };

  await inBatches(scored, WRITE_CONCURRENCY, async (finding) => {
    const leadId = finding.leadId;
    let change: 'new' | 'updated' | 'unchanged' = 'unchanged';
    await writeWithRetry(deps, leadId, existing.get(leadId), (current) => {
      const result = reconcileLead(current, finding, ctx);
      change = result.change;
      return result.change === 'unchanged' ? undefined : result.lead;
    });
    counts[change]++;
  });

  const found = new Set(ids);
  const inForce = new Set(manifest.versions.map((v) => v.versionId));
  const stale = (await Promise.all(manifest.rules.map((rule) => deps.leads.listOfRule(rule))))
    .flat()
    .filter((lead) => !found.has(lead.leadId) && lead.status !== 'superseded');
  await inBatches(stale, WRITE_CONCURRENCY, async (lead) => {
    const reason = await supersedeReason(deps, lead, inForce);
    let changed = false;
    await writeWithRetry(deps, lead.leadId, lead, (current) => {
      if (!current) return undefined;
      const next = supersedeLead(current, reason, ctx);
      // A verdict (confirmed/dismissed) stays; only write when something actually changes.
      changed = next.status !== current.status || next.statusReason !== current.statusReason;
      return changed ? next : undefined;
    });
    if (changed) counts.superseded++;
  });

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
  });
  deps.log.info('collision stored', { ...summary });
  return summary;
}
