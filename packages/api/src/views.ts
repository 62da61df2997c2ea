import { maskedSubject } from '@jiandu/domain/leads/subject';
import { allowedActions } from '@jiandu/domain/leads/workflow';
import type { Lead } from '@jiandu/domain/model';
import { evidenceValuesInYuan, yuan } from '@jiandu/domain/money';
import { maskIdNumber } from '@jiandu/domain/normalize/id';
import type { reportSummary } from './report-views.js';

/** Fen → 元 for JSON responses: the domain's one converter (`@jiandu/domain/money`). */
export { yuan };

/** A lead in lists: personal data masked; the detail view shows it in full (and is audited). */
export function leadSummary(lead: Lead) {
  return {
    leadId: lead.leadId,
    rule: lead.rule,
    subject: maskedSubject(lead),
    idNumber: lead.idNumber ? maskIdNumber(lead.idNumber) : null,
    township: lead.township ?? null,
    village: lead.village ?? null,
    amount: yuan(lead.amount),
    score: lead.score,
    match: lead.match,
    status: lead.status,
    assignee: lead.assignee ?? null,
    deadline: lead.assignment?.deadline ?? null,
    overdue: lead.overdue ?? false,
    evidenceCount: lead.evidence.length,
    createdAt: lead.createdAt,
    updatedAt: lead.updatedAt,
  };
}

/** Where an evidence row came from: its dataset version as the department uploaded it. */
export interface EvidenceSource {
  readonly kind: string;
  readonly fileName: string;
  readonly department: string;
  readonly receivedAt: string;
  readonly status: string;
}

/** The workflow state of a lead (amounts in 元), shared by the detail and the command responses. */
function workflowFields(lead: Lead) {
  return {
    revision: lead.revision,
    assignment: lead.assignment ?? null,
    overdue: lead.overdue ?? false,
    overdueSince: lead.overdueSince ?? null,
    verdict: lead.verdict
      ? {
          ...lead.verdict,
          verifiedAmount: yuan(lead.verdict.verifiedAmount),
          recoveredAmount: yuan(lead.verdict.recoveredAmount),
        }
      : null,
    dismissal: lead.dismissal ?? null,
    history: lead.history ?? [],
    allowedActions: allowedActions(lead.status),
  };
}

/**
 * A lead in full, for inspectors working it (and audited): evidence rows with their source
 * version (money columns in 元, like every amount the API answers), the other leads of the same subject (masked like lists), the linked reports the
 * caller may see (summaries, reporters masked) and the workflow state with its history.
 */
export function leadDetail(
  lead: Lead,
  context: {
    sources?: ReadonlyMap<string, EvidenceSource>;
    related?: readonly Lead[];
    reports?: readonly ReturnType<typeof reportSummary>[];
  } = {},
) {
  return {
    ...lead,
    amount: yuan(lead.amount),
    evidence: lead.evidence.map((e) => ({
      ...e,
      values: evidenceValuesInYuan(e),
      source: context.sources?.get(e.versionId) ?? null,
    })),
    relatedLeads: (context.related ?? []).map(leadSummary),
    reports: context.reports ?? [],
    ...workflowFields(lead),
  };
}

/** What a workflow command returns: the lead's new state, without personal data. */
export function leadWorkflowView(lead: Lead) {
  return {
    leadId: lead.leadId,
    rule: lead.rule,
    status: lead.status,
    assignee: lead.assignee ?? null,
    updatedAt: lead.updatedAt,
    ...workflowFields(lead),
  };
}
