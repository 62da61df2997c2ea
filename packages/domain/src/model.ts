import type { DatasetKind } from './kinds.js';

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
  readonly unknownPrograms: readonly string[];
  readonly warnings: readonly string[];
}

/** Rule codes of CONTRACT.md §5. */
export type RuleCode =
  | 'R01'
  | 'R02'
  | 'R03'
  | 'R04'
  | 'R05'
  | 'R06'
  | 'R07'
  | 'R08'
  | 'R09'
  | 'R10'
  | 'R11'
  | 'R12';

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
}
