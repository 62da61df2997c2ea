import { type LifecycleContext, rekeyLead } from '@jiandu/domain';
import { leadIdFor, legacyLeadIdFor } from '@jiandu/domain/leads/lead-id';
import type { Lead } from '@jiandu/domain/model';
import { RevisionConflictError } from '@jiandu/domain/ports';
import type { ScoreAndStoreDeps } from '../deps.js';

/**
 * The leads of one rule as they stand, after moving every one still stored under an unkeyed
 * id (a plain SHA-256 of rule and subject key, reversible to the ID number) to its keyed id:
 * status, assignment, verdict and history are kept and a `rekey` entry is added; reports that
 * link the lead are relinked (their history too). Idempotent: once moved, nothing matches any
 * more. `ScoreAndStore` reads every rule's leads through this, so the first collision run after
 * the upgrade migrates all (and reads a rule again only then).
 */
export async function standingLeadsOfRule(
  deps: ScoreAndStoreDeps,
  rule: string,
  ctx: LifecycleContext,
): Promise<Lead[]> {
  const leads = await deps.leads.listOfRule(rule);
  const moved = await rekeyLegacy(deps, leads, ctx);
  return moved > 0 ? deps.leads.listOfRule(rule) : leads;
}

/** Move the legacy-keyed ones of `leads`; returns how many were. */
async function rekeyLegacy(
  deps: ScoreAndStoreDeps,
  leads: readonly Lead[],
  ctx: LifecycleContext,
): Promise<number> {
  const legacy = leads.filter((l) => l.leadId === legacyLeadIdFor(l.rule, l.subjectKey));
  for (const lead of legacy) await moveLead(deps, lead, ctx);
  if (legacy.length > 0)
    deps.log.info('leads moved to keyed ids', { count: legacy.length, runId: ctx.runId });
  return legacy.length;
}

/**
 * Move one lead, re-reading it when an inspector changed it meanwhile; a lead a concurrent
 * run already moved is left alone.
 */
async function moveLead(deps: ScoreAndStoreDeps, legacy: Lead, ctx: LifecycleContext): Promise<void> {
  let current: Lead | undefined = legacy;
  for (let attempt = 0; current && attempt < 3; attempt++) {
    const next = rekeyLead(current, leadIdFor(current.rule, current.subjectKey, deps.leadIdKey), ctx);
    try {
      await deps.leads.move(current, next);
      await relinkReports(deps, current, next);
      return;
    } catch (error) {
      if (!(error instanceof RevisionConflictError)) throw error;
      if (await deps.leads.get(next.leadId)) return;
      current = await deps.leads.get(legacy.leadId);
    }
  }
}

/** Replace the old id in every report that links (or linked) the lead. */
async function relinkReports(deps: ScoreAndStoreDeps, previous: Lead, next: Lead): Promise<void> {
  const swap = (id: string) => (id === previous.leadId ? next.leadId : id);
  for (const report of await deps.reports.ofLead(previous.leadId)) {
    await deps.reports.update(report, {
      ...report,
      leadIds: report.leadIds.map(swap),
      history: report.history.map((entry) =>
        entry.details?.leadId === previous.leadId
          ? { ...entry, details: { ...entry.details, leadId: next.leadId } }
          : entry,
      ),
      revision: report.revision + 1,
    });
  }
}
