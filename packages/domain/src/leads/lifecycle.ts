import type { Lead, LeadHistoryEntry, LeadStatus, RuleCode } from '../model.js';
import { chinaDay } from '../time.js';
import type { ScoredFinding } from './score.js';

/** When and in which collision run a change happens. */
export interface LifecycleContext {
  readonly runId: string;
  /** ISO timestamp. */
  readonly now: string;
}

/** Statuses an inspector still has to work. */
export const OPEN_STATUSES: ReadonlySet<LeadStatus> = new Set(['new', 'assigned', 'verifying']);
/** Statuses that carry an inspector's verdict, which the pipeline never overrides. */
export const VERDICT_STATUSES: ReadonlySet<LeadStatus> = new Set(['confirmed', 'dismissed']);

/** Whether the lead still needs work (new, assigned or being verified). */
export function isOpen(lead: Pick<Lead, 'status'>): boolean {
  return OPEN_STATUSES.has(lead.status);
}

/** Fields a collision run owns; everything else on a stored lead belongs to inspectors. */
const CONTENT_KEYS = [
  'leadId',
  'rule',
  'subjectKey',
  'subject',
  'subjectParts',
  'idNumber',
  'name',
  'township',
  'village',
  'amount',
  'match',
  'evidence',
  'reasons',
  'score',
  'scoreBreakdown',
] as const satisfies readonly (keyof ScoredFinding)[];

type Content = Pick<ScoredFinding, (typeof CONTENT_KEYS)[number]>;

function contentOf(source: ScoredFinding | Lead): Content {
  const content: Record<string, unknown> = {};
  for (const key of CONTENT_KEYS) if (source[key] !== undefined) content[key] = source[key];
  return content as unknown as Content;
}

/**
 * Whether two values are the same JSON: key order never counts, an object key whose value is
 * undefined is no key, and undefined in an array is null (as `JSON.stringify` writes them).
 * Compared in place, returning at the first difference: a rescore compares every standing
 * lead, and serializing both sides (twice with sorted keys when they differed) cost the
 * re-upload of one roster seconds and garbage at 1,000,000 persons.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key) || left[key] === undefined) continue;
    if (!Object.hasOwn(right, key) || !sameJson(left[key], right[key])) return false;
    keys++;
  }
  for (const key in right) if (Object.hasOwn(right, key) && right[key] !== undefined) keys--;
  return keys === 0;
}

/** A history entry of a collision run's own change to a lead (by `system`, naming the run). */
function systemEntry(
  ctx: LifecycleContext,
  action: LeadHistoryEntry['action'],
  from: LeadStatus,
  to: LeadStatus,
  note: string,
): LeadHistoryEntry {
  return { at: ctx.now, by: 'system', action, from, to, note, details: { runId: ctx.runId } };
}

/** Result of {@link reconcileLead}. */
export interface Reconciled {
  readonly lead: Lead;
  /** `unchanged`: only `lastRunId` moved (revision and `updatedAt` kept). */
  readonly change: 'new' | 'updated' | 'unchanged';
}

/**
 * Merge a run's scored finding into the stored lead of the same id.
 * - No stored lead: a `new` lead, revision 1.
 * - Stored lead: the run's fields (amount, evidence, score, reasons, …) are replaced; status,
 *   assignee, statusReason, createdAt and any other inspector field are kept. The revision is
 *   bumped (and `updatedAt` set) only when the content changed; `lastRunId` always moves.
 * - A `superseded` lead whose evidence is back returns to `new` (its supersede reason is
 *   cleared) and its history says so (`reopen`, by `system`, with the run).
 */
export function reconcileLead(
  existing: Lead | undefined,
  scored: ScoredFinding,
  ctx: LifecycleContext,
): Reconciled {
  const content = contentOf(scored);
  if (!existing) {
    return {
      change: 'new',
      lead: {
        ...content,
        status: 'new',
        createdAt: ctx.now,
        updatedAt: ctx.now,
        lastRunId: ctx.runId,
        revision: 1,
      },
    };
  }
  if (existing.leadId !== scored.leadId) {
    throw new Error(`reconcileLead: stored lead ${existing.leadId} is not ${scored.leadId}`);
  }

  const changed = !sameJson(contentOf(existing), content);
  const reopened = existing.status === 'superseded';
  if (!changed && !reopened) return { change: 'unchanged', lead: { ...existing, lastRunId: ctx.runId } };

  // Start from the stored lead (keeps inspector fields), drop run-owned optional fields the
  // new finding no longer has, then lay the new content over it.
  const base: Record<string, unknown> = { ...existing };
  for (const key of CONTENT_KEYS) delete base[key];
  if (reopened) delete base.statusReason;
  return {
    change: 'updated',
    lead: {
      ...(base as Omit<Lead, keyof Content>),
      ...content,
      ...(reopened
        ? {
            status: 'new' as const,
            history: [
              ...(existing.history ?? []),
              systemEntry(
                ctx,
                'reopen',
                'superseded',
                'new',
                '重新碰撞时依据的数据重新生效，疑点恢复为新线索',
              ),
            ],
          }
        : {}),
      updatedAt: ctx.now,
      lastRunId: ctx.runId,
      revision: existing.revision + 1,
    },
  };
}

/**
 * Close a lead whose evidence disappeared (withdrawn or replaced data), with the reason.
 * - Open leads become `superseded` with `statusReason = reason`.
 * - Confirmed and dismissed leads keep their verdict; the dated reason is appended to
 *   `statusReason` (after the inspector's own text) so nothing is lost, once per reason.
 * - Already superseded leads are left alone.
 * Returns the same object when nothing changes (no write needed); otherwise a new lead with
 * `updatedAt` set, the revision bumped and a history entry by `system` naming the run and
 * the reason (`supersede`, or `evidence_lost` for a verdict that stays).
 */
export function supersedeLead(lead: Lead, reason: string, ctx: LifecycleContext): Lead {
  if (lead.status === 'superseded') return lead;
  if (VERDICT_STATUSES.has(lead.status)) {
    if (lead.statusReason?.endsWith(`证据已失效：${reason}`)) return lead;
    const note = `${chinaDay(ctx.now)} 证据已失效：${reason}`;
    return {
      ...lead,
      statusReason: lead.statusReason ? `${lead.statusReason}；${note}` : note,
      updatedAt: ctx.now,
      revision: lead.revision + 1,
      history: [...(lead.history ?? []), systemEntry(ctx, 'evidence_lost', lead.status, lead.status, reason)],
    };
  }
  return {
    ...lead,
    status: 'superseded',
    statusReason: reason,
    updatedAt: ctx.now,
    revision: lead.revision + 1,
    history: [...(lead.history ?? []), systemEntry(ctx, 'supersede', lead.status, 'superseded', reason)],
  };
}

/**
 * The lead moved to its keyed id (`leadIdFor`) from the unkeyed one of earlier releases:
 * everything kept (status, assignment, verdict, history), revision 1 under the new id, and a
 * `rekey` entry by `system` naming the run. The old id is not recorded anywhere: it is a
 * plain hash of the ID number.
 */
export function rekeyLead(lead: Lead, leadId: string, ctx: LifecycleContext): Lead {
  return {
    ...lead,
    leadId,
    updatedAt: ctx.now,
    revision: 1,
    history: [
      ...(lead.history ?? []),
      systemEntry(ctx, 'rekey', lead.status, lead.status, '线索编号改为加密编号（不可由身份证号推算）'),
    ],
  };
}

/**
 * Stored leads a finished run no longer confirms: leads of the rules that ran whose
 * `lastRunId` is not this run and that aren't superseded yet. Rules that didn't run keep
 * their leads untouched.
 */
export function staleLeads(
  leads: readonly Lead[],
  run: { readonly runId: string; readonly rules: Iterable<RuleCode> },
): Lead[] {
  const rules = new Set<string>(run.rules);
  return leads.filter(
    (lead) => rules.has(lead.rule) && lead.lastRunId !== run.runId && lead.status !== 'superseded',
  );
}
