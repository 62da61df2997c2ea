import type { Village } from './geography.js';
import type { IdForm } from './ids.js';
import type { DemoProgram } from './world.js';

/**
 * What was written into the files, row by row: the ground truth is computed from these
 * (the same values the CSV rows carry), never from the generator's intentions.
 */

/** A household-registry row. */
export interface RegistryRecord {
  readonly idText: string;
  readonly nameText: string;
  readonly village: Village;
}

/** A death-records row. */
export interface DeathRecord {
  readonly department: string;
  readonly fileName: string;
  readonly line: number;
  readonly idText: string;
  /** `YYYY-MM-DD`, as written (in the file's date style). */
  readonly date: string;
  readonly source: string;
}

/** A subsidy-payment row. */
export interface PaymentRecord {
  readonly department: string;
  readonly fileName: string;
  /** 1-based CSV line of the row. */
  readonly line: number;
  readonly program: DemoProgram;
  readonly idText: string;
  /** How the ID was written (for notes only; identity is re-read from `idText`). */
  readonly idForm: IdForm;
  readonly nameText: string;
  readonly village: Village;
  /** The payment's month per CONTRACT.md §5: its period when the file has one, else its pay date's month. */
  readonly month: string;
  readonly amountFen: number;
}
