import { createHash } from 'node:crypto';
import { assertExpectedRevision, DomainError, ValidationError } from '../errors.js';
import { fieldName } from '../fields.js';
import type { DatasetKind } from '../kinds.js';
import type {
  AssigneeKind,
  DismissReason,
  Dispositions,
  Lead,
  LeadAction,
  LeadHistoryEntry,
  LeadStatus,
} from '../model.js';
import { chinaDay, isCalendarDay } from '../time.js';

/**
 * The inspectors' lead workflow as pure transitions (issue 5):
 *
 * ```
 * new ──assign──▶ assigned ──start_verification──▶ verifying ──confirm──▶ confirmed
 *  │                 ▲  │                              │  │
 *  │                 └──┴──────── assign (reassign) ◀──┘  └──dismiss──▶ dismissed
 *  └──────────────── dismiss (also from assigned) ─────────────────────▶ dismissed
 * ```
 *
 * Every transition checks the caller's `expectedRevision` (optimistic locking), validates
 * its fields (errors name the field), bumps the revision and appends a history entry.
 * Confirmed, dismissed and superseded leads accept no further command.
 */

/** Who is acting (a staff account; never the subject of a lead). */
export interface WorkflowActor {
  readonly subject: string;
  readonly name?: string;
}

/** Assign (or reassign) a lead to a person or a township office, with a deadline. */
export interface AssignCommand {
  readonly action: 'assign';
  readonly kind: AssigneeKind;
  readonly assignee: string;
  /** `YYYY-MM-DD`, today or later (China Standard Time). */
  readonly deadline: string;
  readonly note?: string;
}

/** The assignee starts verifying the lead (核查). */
export interface StartVerificationCommand {
  readonly action: 'start_verification';
  readonly note?: string;
}

/** The lead is confirmed (属实), with the money and disciplinary outcome. Amounts in fen. */
export interface ConfirmCommand {
  readonly action: 'confirm';
  readonly verifiedAmount: number;
  readonly recoveredAmount: number;
  readonly dispositions: Dispositions;
  readonly note: string;
}

/** The lead is dismissed (不属实 / 了结), with a reason. */
export interface DismissCommand {
  readonly action: 'dismiss';
  readonly reason: DismissReason;
  readonly note: string;
  /**
   * `source_data_wrong` only: which evidence rows are wrong (default: all of them). Each
   * must be one of the lead's evidence rows.
   */
  readonly wrongRows?: readonly {
    readonly versionId: string;
    readonly row: number;
    readonly sheet?: string;
  }[];
}

/** A change an inspector (or township officer) makes to a lead. */
export type LeadCommand = AssignCommand | StartVerificationCommand | ConfirmCommand | DismissCommand;

/** The statuses each command may start from. */
export const ALLOWED_FROM: Readonly<Record<LeadCommand['action'], readonly LeadStatus[]>> = {
  assign: ['new', 'assigned', 'verifying'],
  start_verification: ['assigned'],
  confirm: ['verifying'],
  dismiss: ['new', 'assigned', 'verifying'],
};

/** The commands a lead in `status` accepts. */
export function allowedActions(status: LeadStatus): LeadCommand['action'][] {
  return (Object.keys(ALLOWED_FROM) as LeadCommand['action'][]).filter((a) =>
    ALLOWED_FROM[a].includes(status),
  );
}

/** Chinese labels of the statuses, for messages. */
export const STATUS_LABELS: Readonly<Record<LeadStatus, string>> = {
  new: '新线索',
  assigned: '已指派',
  verifying: '核查中',
  confirmed: '已查实',
  dismissed: '已了结（不属实）',
  superseded: '已失效',
};

/** Chinese labels of the dismissal reasons. */
export const DISMISS_REASON_LABELS: Readonly<Record<DismissReason, string>> = {
  source_data_wrong: '源数据错误',
  no_violation: '经核查不存在问题',
  duplicate: '与其他线索重复',
  other: '其他',
};

/** The command does not apply to the lead's current status (HTTP 409). */
export class InvalidTransitionError extends DomainError {
  constructor(action: LeadCommand['action'], from: LeadStatus) {
    super('conflict', `Lead is ${from} (${STATUS_LABELS[from]}); '${action}' is not allowed from there`, {
      status: from,
      action,
      allowed: allowedActions(from),
    });
  }
}

const MAX_NOTE = 2000;
const MAX_FEN = 1e13; // ¥100 billion: far above any county's budget, below float precision limits.

function requireText(value: string | undefined, field: string, required: boolean): string | undefined {
  const text = value?.trim();
  if (!text) {
    if (required) throw new ValidationError(`${fieldName(field)}不能为空`, { field });
    return undefined;
  }
  if (text.length > MAX_NOTE)
    throw new ValidationError(`${fieldName(field)}最多 ${MAX_NOTE} 个字`, { field });
  return text;
}

function requireFen(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_FEN)
    throw new ValidationError(`${fieldName(field)}应为不小于 0 的金额（整数分）`, { field });
  return value;
}

function requireCount(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 100_000)
    throw new ValidationError(`${fieldName(field)}应为不小于 0 的整数`, { field });
  return value;
}

/** Where a transition leads, and the extra fields it sets or clears. */
type Change = {
  to: LeadStatus;
  action: LeadAction;
  patch: Partial<Lead>;
  clear: (keyof Lead)[];
  entry: Partial<LeadHistoryEntry>;
};

function assign(lead: Lead, command: AssignCommand, actor: WorkflowActor, now: string): Change {
  const assignee = requireText(command.assignee, 'assignee', true) as string;
  if (assignee.length > 64)
    throw new ValidationError(`${fieldName('assignee')}最多 64 个字`, { field: 'assignee' });
  if (command.kind !== 'person' && command.kind !== 'township_office')
    throw new ValidationError(`${fieldName('kind')}应为 person 或 township_office`, { field: 'kind' });
  if (!isCalendarDay(command.deadline))
    throw new ValidationError(`${fieldName('deadline')}应为日期，如 2024-03-01`, { field: 'deadline' });
  if (command.deadline < chinaDay(now))
    throw new ValidationError(`${fieldName('deadline')}已过（不能早于今天）`, { field: 'deadline' });
  const note = requireText(command.note, 'note', false);
  const reassign = lead.assignment !== undefined && lead.status !== 'new';
  return {
    to: 'assigned',
    action: reassign ? 'reassign' : 'assign',
    patch: {
      assignee,
      assignment: {
        kind: command.kind,
        assignee,
        deadline: command.deadline,
        assignedBy: actor.subject,
        assignedAt: now,
      },
    },
    // A new deadline starts afresh.
    clear: ['overdue', 'overdueSince'],
    entry: {
      ...(note ? { note } : {}),
      details: {
        kind: command.kind,
        assignee,
        deadline: command.deadline,
        ...(reassign && lead.assignment ? { previousAssignee: lead.assignment.assignee } : {}),
      },
    },
  };
}

function confirm(command: ConfirmCommand, actor: WorkflowActor, now: string): Change {
  const verifiedAmount = requireFen(command.verifiedAmount, 'verifiedAmount');
  const recoveredAmount = requireFen(command.recoveredAmount, 'recoveredAmount');
  if (recoveredAmount > verifiedAmount)
    throw new ValidationError(`${fieldName('recoveredAmount')}不能大于${fieldName('verifiedAmount')}`, {
      field: 'recoveredAmount',
    });
  const d = command.dispositions;
  if (!d || typeof d !== 'object')
    throw new ValidationError(`${fieldName('dispositions')}不能为空`, { field: 'dispositions' });
  const dispositions = {
    partyDiscipline: requireCount(d.partyDiscipline, 'dispositions.partyDiscipline'),
    admonition: requireCount(d.admonition, 'dispositions.admonition'),
    criticism: requireCount(d.criticism, 'dispositions.criticism'),
  };
  const note = requireText(command.note, 'note', true) as string;
  return {
    to: 'confirmed',
    action: 'confirm',
    patch: {
      verdict: {
        verifiedAmount,
        recoveredAmount,
        dispositions,
        note,
        decidedBy: actor.subject,
        decidedAt: now,
      },
    },
    clear: ['overdue', 'overdueSince'],
    entry: {
      note,
      details: { verifiedAmountFen: verifiedAmount, recoveredAmountFen: recoveredAmount, ...dispositions },
    },
  };
}

function dismiss(lead: Lead, command: DismissCommand, actor: WorkflowActor, now: string): Change {
  if (!(command.reason in DISMISS_REASON_LABELS))
    throw new ValidationError(
      `${fieldName('reason')}应为以下之一：${Object.keys(DISMISS_REASON_LABELS).join('、')}`,
      {
        field: 'reason',
      },
    );
  const note = requireText(command.note, 'note', true) as string;
  let wrongRows: NonNullable<DismissCommand['wrongRows']> | undefined;
  if (command.reason === 'source_data_wrong') {
    const given = command.wrongRows ?? [];
    given.forEach((w, i) => {
      const found = lead.evidence.some(
        (e) =>
          e.versionId === w.versionId && e.row === w.row && (w.sheet === undefined || e.sheet === w.sheet),
      );
      if (!found)
        throw new ValidationError(
          `${fieldName(`wrongRows.${i}`)}：版本 ${w.versionId} 第 ${w.row} 行不是这条线索的证据`,
          {
            field: `wrongRows.${i}`,
          },
        );
    });
    const rows = given.length > 0 ? given : lead.evidence;
    wrongRows = rows.map((e) => ({
      versionId: e.versionId,
      row: e.row,
      ...(e.sheet ? { sheet: e.sheet } : {}),
    }));
  } else if (command.wrongRows?.length) {
    throw new ValidationError(`${fieldName('wrongRows')}只用于原因 source_data_wrong（源数据错误）`, {
      field: 'wrongRows',
    });
  }
  return {
    to: 'dismissed',
    action: 'dismiss',
    patch: {
      dismissal: {
        reason: command.reason,
        note,
        decidedBy: actor.subject,
        decidedAt: now,
        ...(wrongRows ? { wrongRows } : {}),
      },
    },
    clear: ['overdue', 'overdueSince'],
    entry: {
      note,
      details: { reason: command.reason, ...(wrongRows ? { wrongRows: wrongRows.length } : {}) },
    },
  };
}

/**
 * Apply a command to a lead. Throws `ConflictError` when `expectedRevision` is not the
 * lead's revision (someone else changed it: reload and retry), `InvalidTransitionError`
 * when the command does not apply to the lead's status, and `ValidationError` naming the
 * field when a value is missing or wrong. Returns the new lead (revision + 1, history
 * appended); the caller stores it conditionally on the old revision.
 */
export function applyLeadCommand(
  lead: Lead,
  command: LeadCommand,
  actor: WorkflowActor,
  now: string,
  expectedRevision: number,
): Lead {
  assertExpectedRevision('Lead', lead.leadId, lead.revision, expectedRevision);
  if (!ALLOWED_FROM[command.action]?.includes(lead.status))
    throw new InvalidTransitionError(command.action, lead.status);

  let change: Change;
  switch (command.action) {
    case 'assign':
      change = assign(lead, command, actor, now);
      break;
    case 'start_verification': {
      const note = requireText(command.note, 'note', false);
      change = {
        to: 'verifying',
        action: 'start_verification',
        patch: {},
        clear: [],
        entry: note ? { note } : {},
      };
      break;
    }
    case 'confirm':
      change = confirm(command, actor, now);
      break;
    case 'dismiss':
      change = dismiss(lead, command, actor, now);
      break;
  }
  const entry: LeadHistoryEntry = {
    at: now,
    by: actor.subject,
    ...(actor.name ? { byName: actor.name } : {}),
    action: change.action,
    from: lead.status,
    to: change.to,
    ...change.entry,
  };
  const next: Record<string, unknown> = { ...lead, ...change.patch };
  for (const key of change.clear) delete next[key];
  return {
    ...(next as unknown as Lead),
    status: change.to,
    updatedAt: now,
    revision: lead.revision + 1,
    history: [...(lead.history ?? []), entry],
  };
}

/** Statuses during which an assignment's deadline runs. */
const DEADLINE_STATUSES: ReadonlySet<LeadStatus> = new Set(['assigned', 'verifying']);

/** Whether a lead being worked has passed its deadline at `now` (the day after the deadline, CST). */
export function isPastDeadline(lead: Pick<Lead, 'status' | 'assignment'>, now: string): boolean {
  return (
    DEADLINE_STATUSES.has(lead.status) &&
    lead.assignment !== undefined &&
    lead.assignment.deadline < chinaDay(now)
  );
}

/**
 * The overdue check for one lead: an assigned (or verifying) lead past its deadline gets
 * `overdue` with a history entry by `system`. Idempotent: returns the same object when the
 * lead is not due or already flagged (no write needed).
 */
export function flagOverdue(lead: Lead, now: string): Lead {
  if (lead.overdue || !isPastDeadline(lead, now) || !lead.assignment) return lead;
  const entry: LeadHistoryEntry = {
    at: now,
    by: 'system',
    action: 'overdue',
    from: lead.status,
    to: lead.status,
    note: `已超过办理期限 ${lead.assignment.deadline}`,
    details: { deadline: lead.assignment.deadline, assignee: lead.assignment.assignee },
  };
  return {
    ...lead,
    overdue: true,
    overdueSince: now,
    updatedAt: now,
    revision: lead.revision + 1,
    history: [...(lead.history ?? []), entry],
  };
}

/** A request to the data-owning department to check and correct rows of its upload (源数据错误). */
export interface CorrectionTask {
  /** Deterministic per (lead, version): dismissing twice never creates two tasks. */
  readonly taskId: string;
  readonly leadId: string;
  readonly rule: Lead['rule'];
  /** The department that uploaded the version (and must correct it). */
  readonly department: string;
  readonly kind: DatasetKind;
  readonly versionId: string;
  readonly fileName: string;
  /** The rows reported as wrong (row numbers in the uploaded file; no cell values). */
  readonly rows: readonly { readonly row: number; readonly sheet?: string }[];
  /** The inspector's explanation. */
  readonly note: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly status: 'open';
}

/** The version facts a correction task needs. */
export interface CorrectionSource {
  readonly versionId: string;
  readonly department: string;
  readonly kind: DatasetKind;
  readonly fileName: string;
}

/** The id of the correction task for rows of `versionId` behind `leadId`. */
export function correctionTaskId(leadId: string, versionId: string): string {
  return `C-${createHash('sha256').update(`${leadId}|${versionId}`, 'utf8').digest('hex').slice(0, 24)}`;
}

/**
 * The correction tasks a `source_data_wrong` dismissal creates: one per dataset version
 * with wrong rows, addressed to the department that uploaded it. Throws a ValidationError
 * when a version is unknown (the task would have nobody to go to).
 */
export function correctionTasksFor(
  lead: Lead,
  sources: ReadonlyMap<string, CorrectionSource>,
): CorrectionTask[] {
  const dismissal = lead.dismissal;
  if (lead.status !== 'dismissed' || dismissal?.reason !== 'source_data_wrong') return [];
  const byVersion = new Map<string, { row: number; sheet?: string }[]>();
  for (const w of dismissal.wrongRows ?? []) {
    const rows = byVersion.get(w.versionId) ?? [];
    rows.push({ row: w.row, ...(w.sheet ? { sheet: w.sheet } : {}) });
    byVersion.set(w.versionId, rows);
  }
  return [...byVersion].map(([versionId, rows]) => {
    const source = sources.get(versionId);
    if (!source)
      throw new ValidationError(`Dataset version ${versionId} of the evidence is unknown`, { versionId });
    return {
      taskId: correctionTaskId(lead.leadId, versionId),
      leadId: lead.leadId,
      rule: lead.rule,
      department: source.department,
      kind: source.kind,
      versionId,
      fileName: source.fileName,
      rows: rows.sort((a, b) => a.row - b.row),
      note: dismissal.note,
      createdBy: dismissal.decidedBy,
      createdAt: dismissal.decidedAt,
      status: 'open',
    };
  });
}
