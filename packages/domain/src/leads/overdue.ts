import { type LeadRepository, RevisionConflictError } from '../ports.js';
import { flagOverdue, isPastDeadline } from './workflow.js';

/** What one run of the overdue check did. */
export interface OverdueCheckResult {
  /** Assigned or verifying leads not flagged yet. */
  readonly checked: number;
  /** Leads newly flagged overdue by this run. */
  readonly flagged: number;
}

/** How often one lead is re-read when an inspector changed it while the check ran. */
const CONFLICT_RETRIES = 3;

/**
 * The scheduled overdue check: flag every assigned (or verifying) lead past its deadline as
 * overdue, with a history entry. Idempotent (flagged leads are skipped), and it never
 * overwrites an inspector's concurrent change: on a revision conflict it re-reads the lead
 * and re-decides (a lead reassigned meanwhile has a new deadline and may no longer be due).
 */
export async function flagOverdueLeads(leads: LeadRepository, now: string): Promise<OverdueCheckResult> {
  const candidates = await leads.scan({ statuses: ['assigned', 'verifying'], overdue: false });
  let flagged = 0;
  for (const candidate of candidates) {
    if (!isPastDeadline(candidate, now)) continue;
    let current = candidate;
    for (let attempt = 0; ; attempt++) {
      const next = flagOverdue(current, now);
      if (next === current) break;
      try {
        await leads.put(next, current.revision);
        flagged++;
        break;
      } catch (error) {
        if (!(error instanceof RevisionConflictError) || attempt >= CONFLICT_RETRIES) throw error;
        const reread = await leads.get(current.leadId);
        if (!reread) break;
        current = reread;
      }
    }
  }
  return { checked: candidates.length, flagged };
}
