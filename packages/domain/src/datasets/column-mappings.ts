/**
 * A department's own statement of which file column is which canonical column (issue: real
 * headers the alias table does not know). Stated once — with the CLI's `--map`, a mapping file
 * beside the files, or the API — and remembered per department and kind, so next month's file
 * with the same headers goes through unchanged.
 */
import type { DatasetKind } from '../kinds.js';

/**
 * The workflow request (`detail-type`) to read a held or rejected upload again after its
 * department stated a column mapping: the workflow sends it to `Normalize` like an upload.
 */
export const REPROCESS_REQUEST = 'Version Mapping Applied';

/** The value that tells the platform to leave a column out on purpose. */
export const IGNORE_COLUMN = 'ignore';

/** One state of a department's mapping, kept in its history. */
export interface ColumnMappingChange {
  readonly at: string;
  readonly by: string;
  readonly byName?: string;
  /** The headers this change set (`column` or {@link IGNORE_COLUMN}). */
  readonly columns: Readonly<Record<string, string>>;
}

/** The remembered mapping of one department's files of one kind. */
export interface ColumnMapping {
  readonly department: string;
  readonly kind: DatasetKind;
  /** File header (as the department writes it) → canonical column, or {@link IGNORE_COLUMN}. */
  readonly columns: Readonly<Record<string, string>>;
  readonly updatedAt: string;
  readonly updatedBy: string;
  /** Every change, oldest first: nothing is overwritten without a trace. */
  readonly history: readonly ColumnMappingChange[];
}

/**
 * The mapping after a department states `columns`: new headers are added, restated headers
 * take their new column, the rest stay.
 */
export function mergeColumnMapping(
  current: ColumnMapping | undefined,
  department: string,
  kind: DatasetKind,
  columns: Readonly<Record<string, string>>,
  actor: { readonly subject: string; readonly name?: string },
  now: string,
): ColumnMapping {
  const change: ColumnMappingChange = {
    at: now,
    by: actor.subject,
    ...(actor.name ? { byName: actor.name } : {}),
    columns: { ...columns },
  };
  return {
    department,
    kind,
    columns: { ...(current?.columns ?? {}), ...columns },
    updatedAt: now,
    updatedBy: actor.subject,
    history: [...(current?.history ?? []), change],
  };
}

/** Storage of remembered column mappings, one per department and kind. */
export interface ColumnMappingRepository {
  get(department: string, kind: DatasetKind): Promise<ColumnMapping | undefined>;
  save(mapping: ColumnMapping): Promise<void>;
}
