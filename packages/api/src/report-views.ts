import { maskPersonName } from '@jiandu/domain/normalize/name';
import {
  allowedReportActions,
  maskPhone,
  overdueStage,
  REPORT_CATEGORY_LABELS,
  REPORT_STATUS_LABELS,
  type Report,
} from '@jiandu/domain/reports/report';
import { officeLabel } from '@jiandu/domain/reports/routing';
import { chinaDay } from '@jiandu/domain/time';

/**
 * What each audience sees of a report. The receipt hash never leaves the platform; staff
 * lists and supervisors see the reporter masked; only the (audited) staff detail shows the
 * reporter in full; the reporter's receipt lookup shows handling and answer, nothing else.
 */

function maskedReporter(report: Report) {
  return report.reporter.anonymous
    ? { anonymous: true as const }
    : {
        anonymous: false as const,
        name: maskPersonName(report.reporter.name),
        phone: maskPhone(report.reporter.phone),
      };
}

/** Dates of the handling, shared by every view. */
function handling(report: Report, now: string) {
  return {
    status: report.status,
    statusLabel: REPORT_STATUS_LABELS[report.status],
    receivedAt: report.receivedAt,
    acknowledgeBy: report.acknowledgeBy,
    acknowledgedAt: report.acknowledgedAt ?? null,
    concludeBy: report.concludeBy,
    concludedAt: report.concludedAt ?? null,
    overdue: overdueStage(report, now),
  };
}

/** A report in staff lists and in a lead's detail: reporter masked, no content. */
export function reportSummary(report: Report, now: string) {
  return {
    reportId: report.reportId,
    channel: report.channel,
    category: report.category,
    categoryLabel: REPORT_CATEGORY_LABELS[report.category],
    township: report.township ?? null,
    village: report.village ?? null,
    office: report.office,
    officeLabel: officeLabel(report.office),
    reporter: maskedReporter(report),
    assistedBy: report.assistedBy ?? null,
    ...handling(report, now),
    leadCount: report.leadIds.length,
    revision: report.revision,
  };
}

/** The staff detail (audited): the reporter in full, the content, the answer, links and history. */
export function reportDetail(report: Report, now: string, leads: readonly unknown[]) {
  return {
    ...reportSummary(report, now),
    reporter: report.reporter,
    content: report.content,
    answer: report.answer ?? null,
    investigatingAt: report.investigatingAt ?? null,
    leadIds: report.leadIds,
    leads,
    history: report.history,
    allowedActions: allowedReportActions(report.status),
  };
}

/** What a command returns: the new handling state, without the reporter or the content. */
export function reportWorkflowView(report: Report, now: string) {
  return {
    ...reportSummary(report, now),
    answer: report.answer ?? null,
    leadIds: report.leadIds,
    history: report.history,
    allowedActions: allowedReportActions(report.status),
  };
}

/** A supervisor's own filings: the villager masked, the answer to pass on. */
export function assistedReportView(report: Report, now: string) {
  return {
    reportId: report.reportId,
    category: report.category,
    categoryLabel: REPORT_CATEGORY_LABELS[report.category],
    township: report.township ?? null,
    village: report.village ?? null,
    officeLabel: officeLabel(report.office),
    reporter: maskedReporter(report),
    ...handling(report, now),
    answer: report.answer ?? null,
  };
}

/** What the holder of a receipt code sees: handling and answer; no content, no names. */
export function receiptView(report: Report, now: string) {
  return {
    category: report.category,
    categoryLabel: REPORT_CATEGORY_LABELS[report.category],
    officeLabel: officeLabel(report.office),
    ...handling(report, now),
    answer: report.answer ?? null,
  };
}

/** The answer to a filing: the receipt code (shown this once) and when to expect what. */
export function filingReceipt(report: Report, receiptCode: string, placeNote?: string) {
  return {
    receiptCode,
    notice: '请妥善保存查询码：它只显示这一次，凭它可查询办理进度和答复。',
    status: report.status,
    statusLabel: REPORT_STATUS_LABELS[report.status],
    officeLabel: officeLabel(report.office),
    township: report.township ?? null,
    village: report.village ?? null,
    /** Where the report went and why, when its place was read differently from what was typed. */
    placeNote: placeNote ?? null,
    receivedAt: report.receivedAt,
    acknowledgeBy: report.acknowledgeBy,
    acknowledgeByDate: chinaDay(report.acknowledgeBy),
    concludeBy: report.concludeBy,
    concludeByDate: chinaDay(report.concludeBy),
  };
}

/** Every lead a report links or ever linked (history). */
export function leadsMentioned(report: Report): string[] {
  const ids = new Set(report.leadIds);
  for (const entry of report.history) {
    const leadId = entry.details?.leadId;
    if (typeof leadId === 'string') ids.add(leadId);
  }
  return [...ids];
}

/**
 * The report as a caller limited to one township may see it: links to leads they can't see
 * (another township's, linked by a county inspector) are left out of `leadIds` and blanked
 * in the history, so no other township's lead id reaches them.
 */
export function withoutHiddenLeads(report: Report, visible: ReadonlySet<string>): Report {
  return {
    ...report,
    leadIds: report.leadIds.filter((id) => visible.has(id)),
    history: report.history.map((entry) => {
      const leadId = entry.details?.leadId;
      return typeof leadId === 'string' && !visible.has(leadId)
        ? { ...entry, details: { ...entry.details, leadId: null } }
        : entry;
    }),
  };
}
