import type { DatasetKind } from './kinds.js';
import type { RuleCode } from './rules/registry.js';

export type { RuleCode } from './rules/registry.js';

/**
 * What happened to a row's ID number during normalization (CONTRACT.md §3):
 * - `as_given`: valid as written (after trivial clean-up: blanks, full-width digits, lower-case x);
 * - `repaired`: made valid by a real repair (15→18 digit upgrade);
 * - `lost`: destroyed by a spreadsheet (scientific notation, `000` tail) — match falls back to name + village;
 * - `absent`: the row has no ID column value at all.
 */
export type IdStatus = 'as_given' | 'repaired' | 'lost' | 'absent';

/** A canonical cell value: text, a number (amounts are integer fen), or nothing. */
export type CellValue = string | number | null;

/**
 * One accepted row of a dataset version, in canonical columns.
 * Dates are ISO strings (`YYYY-MM-DD`), months `YYYY-MM`, amounts integer fen (1 元 = 100 fen).
 */
export interface NormalizedRow {
  /** 1-based row number in the source file (sheet rows for XLSX, lines for CSV), for evidence. */
  readonly row: number;
  /** Sheet name for XLSX sources; absent for CSV. */
  readonly sheet?: string;
  /** Normalized 18-digit ID number of the row's person (or owner / legal rep), when valid. */
  readonly idNumber?: string;
  readonly idStatus: IdStatus;
  /** Canonical columns of the kind (CONTRACT.md §2), normalized. */
  readonly values: Readonly<Record<string, CellValue>>;
}

/** A row that could not be used, with the reason (kept for the rejects file). */
export interface RejectedRow {
  readonly row: number;
  readonly sheet?: string;
  /** Machine-readable reason code, e.g. `invalid_id`, `missing_value`, `bad_amount`. */
  readonly reason: string;
  /** Human-readable explanation naming the field. */
  readonly message: string;
  /** The original cells, as read. */
  readonly original: Readonly<Record<string, string>>;
}

/** Quality report of one dataset version (CONTRACT.md §3). */
export interface QualityReport {
  readonly rowsRead: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly idsRepaired: number;
  readonly idsLost: number;
  /** The first unknown program names (capped: the version record has a size limit). */
  readonly unknownPrograms: readonly string[];
  /** How many distinct unknown program names there were, when more than listed. */
  readonly unknownProgramCount?: number;
  readonly warnings: readonly string[];
}

/** How the lead's subject was identified. */
export type MatchQuality = 'id' | 'repaired_id' | 'name_village';

/** Lead workflow status. `superseded` means the evidence disappeared (withdrawn/replaced data). */
export type LeadStatus = 'new' | 'assigned' | 'verifying' | 'confirmed' | 'dismissed' | 'superseded';

/** One source row behind a lead. */
export interface Evidence {
  readonly kind: DatasetKind;
  readonly versionId: string;
  readonly row: number;
  readonly sheet?: string;
  /** The values that matched (canonical column → value). */
  readonly values: Readonly<Record<string, CellValue>>;
}

/**
 * A lead as a rule produces it, before scoring and storage. Deterministic: the same data
 * always yields the same findings with the same `subjectKey`.
 */
export interface Finding {
  readonly rule: RuleCode;
  /** Stable key of the subject within the rule (e.g. `{idNumber}|{program}`); the lead id derives from it. */
  readonly subjectKey: string;
  /** Human-readable subject, e.g. `张三 · 农村低保`. */
  readonly subject: string;
  readonly idNumber?: string;
  readonly name?: string;
  readonly township?: string;
  readonly village?: string;
  /** Amount in integer fen. */
  readonly amount: number;
  readonly match: MatchQuality;
  readonly evidence: readonly Evidence[];
  /** Why the rule fired, in Chinese, for the inspector. */
  readonly reasons: readonly string[];
}

/** Who a lead is assigned to: one person (a staff account) or a township office (乡镇纪委). */
export type AssigneeKind = 'person' | 'township_office';

/** The current assignment of a lead (疑点指派). */
export interface LeadAssignment {
  readonly kind: AssigneeKind;
  /** Staff account (subject) for a person, township name for a township office. */
  readonly assignee: string;
  /** Due date, `YYYY-MM-DD` (China Standard Time): overdue from the day after. */
  readonly deadline: string;
  /** Subject of the inspector who assigned it (the overdue list is theirs). */
  readonly assignedBy: string;
  readonly assignedAt: string;
}

/** Disciplinary outcome counts of a confirmed lead. */
export interface Dispositions {
  /** 党纪政务处分 */
  readonly partyDiscipline: number;
  /** 诫勉谈话 */
  readonly admonition: number;
  /** 批评教育 */
  readonly criticism: number;
}

/** The verdict on a confirmed lead. Amounts in integer fen. */
export interface LeadVerdict {
  readonly verifiedAmount: number;
  readonly recoveredAmount: number;
  readonly dispositions: Dispositions;
  readonly note: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

/** Why a lead was dismissed. `source_data_wrong` (源数据错误) creates correction tasks. */
export type DismissReason = 'source_data_wrong' | 'no_violation' | 'duplicate' | 'other';

/** The dismissal of a lead. */
export interface LeadDismissal {
  readonly reason: DismissReason;
  readonly note: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  /** `source_data_wrong`: the evidence rows reported as wrong (version + row). */
  readonly wrongRows?: readonly {
    readonly versionId: string;
    readonly row: number;
    readonly sheet?: string;
  }[];
}

/** What happened in one history entry. */
export type LeadAction = 'assign' | 'reassign' | 'start_verification' | 'confirm' | 'dismiss' | 'overdue';

/** One entry of a lead's history: who did what, when, from which status to which. */
export interface LeadHistoryEntry {
  readonly at: string;
  /** Staff subject, or `system` for scheduled checks. */
  readonly by: string;
  readonly byName?: string;
  readonly action: LeadAction;
  readonly from: LeadStatus;
  readonly to: LeadStatus;
  readonly note?: string;
  /** Action details (assignee and deadline, amounts, reason), never personal data of the subject. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** A scored, stored lead. */
export interface Lead extends Finding {
  readonly leadId: string;
  readonly score: number;
  /** The parts of the score, each with its points and a Chinese explanation. */
  readonly scoreBreakdown: readonly {
    readonly factor: string;
    readonly points: number;
    readonly reason: string;
  }[];
  readonly status: LeadStatus;
  readonly assignee?: string;
  /** Why the lead was superseded, when it was. */
  readonly statusReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The collision run that last confirmed this lead. */
  readonly lastRunId: string;
  /** Optimistic-locking counter; bumped on every write. */
  readonly revision: number;
  /** Inspector fields below: set by the lead workflow, kept by every collision run. */
  readonly assignment?: LeadAssignment;
  /** Set by the overdue check when an assigned lead passed its deadline; cleared on (re)assignment. */
  readonly overdue?: boolean;
  readonly overdueSince?: string;
  readonly verdict?: LeadVerdict;
  readonly dismissal?: LeadDismissal;
  /** Every workflow change, oldest first (absent until the first change). */
  readonly history?: readonly LeadHistoryEntry[];
}
