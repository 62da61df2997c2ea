/** How a column's cells are normalized (ingest reads every column by its type). */
export type ColumnType =
  /** The row's person ID (id_number / owner_id / legal_rep_id): sets `idNumber` / `idStatus`. */
  | 'person_id'
  /** Another ID that may be empty or invalid without rejecting the row (payee ID). */
  | 'secondary_id'
  | 'name'
  | 'text'
  /** A category-like short label: blanks removed. */
  | 'label'
  /** A code-like value: blanks removed, upper case. */
  | 'code'
  | 'date'
  | 'month'
  | 'year'
  | 'amount'
  /** Amount whose bare numbers are in 万元. */
  | 'amount_wan'
  | 'number'
  | 'gender'
  | 'program'
  | 'township'
  | 'village'
  | 'division_code'
  | 'division_level'
  | 'direction'
  /** Credit code or person ID (livelihood project contractors). */
  | 'party_code';

/** One canonical column of a dataset kind (CONTRACT.md §2). */
export interface Column<Name extends string = string> {
  /** Canonical name, exactly the contract's. */
  readonly name: Name;
  /** Chinese label used in messages (and always accepted as a header). */
  readonly label: string;
  readonly type: ColumnType;
}

/**
 * One dataset kind of CONTRACT.md §2, declared once in its own module: its label, how its
 * versions relate, where it goes in the upload order and its typed columns. The kind list,
 * the column names rules may read, evidence columns and ingest's header specs derive from it.
 */
export interface Kind<
  Name extends string = string,
  Columns extends readonly Column[] = readonly Column[],
  Derived extends readonly Column[] = readonly Column[],
> {
  readonly kind: Name;
  /** Chinese label for the UI and reports. */
  readonly label: string;
  /** `append`: a version adds rows; `snapshot`: a version replaces its predecessor (CONTRACT.md §4). */
  readonly versions: 'append' | 'snapshot';
  /** One of the reference ("8 basic") databases: confidential, inspectors only. */
  readonly reference: boolean;
  /**
   * Where files of this kind go when several are uploaded at once (lower first): divisions
   * (0: every other kind's places are checked against them), the reference databases the
   * others are matched against (1), other snapshots (2), books and notices (3), payments (4).
   */
  readonly uploadRank: number;
  /** The columns a file of this kind may carry, in the contract's order. */
  readonly columns: Columns;
  /** Columns normalization adds to every row (not read from the file). */
  readonly derived?: Derived;
  /** Header requirement: every group must have at least one of its columns in the header. */
  readonly required: readonly (readonly Columns[number]['name'][])[];
  /** Row requirement: every group must have at least one usable value in the row. */
  readonly rowRequired: readonly (readonly Columns[number]['name'][])[];
  /**
   * The columns a lead's evidence shows of a row of this kind (those with a value), and all the
   * run's reference keeps of a reference kind's rows.
   */
  readonly evidence?: readonly (Columns[number]['name'] | Derived[number]['name'])[];
  /**
   * The column naming a row's subject (person, division, project): rows without an ID are
   * co-located by it and their village. Kinds without one (books, notices) go by village only.
   */
  readonly nameColumn?: Columns[number]['name'];
}

/** Declare a kind (keeps its literal name and column names for the derived types). */
export function defineKind<
  const Name extends string,
  const Columns extends readonly Column[],
  const Derived extends readonly Column[] = readonly [],
>(kind: Kind<Name, Columns, Derived>): Kind<Name, Columns, Derived> {
  return kind;
}
