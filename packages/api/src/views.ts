import type { Lead } from '@jiandu/domain/model';
import { maskIdNumber } from '@jiandu/domain/normalize/id';
import { maskPersonName } from '@jiandu/domain/normalize/name';

/** Fen → yuan for JSON responses (amounts are integer fen inside the platform). */
export function yuan(fen: number): number {
  return Math.round(fen) / 100;
}

/** A lead in lists: personal data masked; the detail view shows it in full (and is audited). */
export function leadSummary(lead: Lead) {
  return {
    leadId: lead.leadId,
    rule: lead.rule,
    subject: lead.name ? lead.subject.replace(lead.name, maskPersonName(lead.name)) : lead.subject,
    idNumber: lead.idNumber ? maskIdNumber(lead.idNumber) : null,
    township: lead.township ?? null,
    village: lead.village ?? null,
    amount: yuan(lead.amount),
    score: lead.score,
    match: lead.match,
    status: lead.status,
    assignee: lead.assignee ?? null,
    evidenceCount: lead.evidence.length,
    createdAt: lead.createdAt,
    updatedAt: lead.updatedAt,
  };
}

/** A lead in full, for inspectors working it. */
export function leadDetail(lead: Lead) {
  return { ...lead, amount: yuan(lead.amount), amountFen: lead.amount };
}
