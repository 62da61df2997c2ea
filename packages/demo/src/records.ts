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
  /** 户号 as written. */
  readonly householdNo: string;
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

/** Where a row is: file and 1-based line (for people reading the truth). */
interface Located {
  readonly fileName: string;
  readonly line: number;
}

/** A public-officials row. */
export interface OfficialRecord extends Located {
  readonly idText: string;
  readonly category: string;
  /** Township name as written (empty for county posts). */
  readonly township: string;
  /** The cadre's village. */
  readonly village?: Village;
  /** `YYYY-MM-DD`. */
  readonly start: string;
  readonly end?: string;
}

/** A fiscal-payroll row. */
export interface PayrollRecord extends Located {
  readonly idText: string;
  readonly month: string;
}

/** A social-insurance row. */
export interface InsuranceRecord extends Located {
  readonly idText: string;
  readonly month: string;
  readonly baseFen: number;
}

/** A market-entities row. */
export interface EntityRecord extends Located {
  readonly creditCode: string;
  readonly entityName: string;
  readonly legalRepIdText: string;
  /** `null` when blank. */
  readonly capitalFen: number | null;
  readonly status: string;
}

/** A property-records row. */
export interface PropertyRecord extends Located {
  readonly ownerIdText: string;
  readonly usage: string;
  readonly housingType: string;
  readonly registered: string;
}

/** A vehicle-records row. */
export interface VehicleRecord extends Located {
  readonly ownerIdText: string;
  readonly vehicleClass: string;
  readonly registered: string;
}

/** A poverty-registry row. */
export interface PovertyRecord extends Located {
  readonly householdNo: string;
  readonly idText: string;
  readonly nameText: string;
  readonly village: Village;
  readonly status: string;
  readonly exitYear?: number;
}

/** A livelihood-projects row. */
export interface ProjectRecord extends Located {
  readonly code: string;
  readonly township: string;
  readonly village?: Village;
  readonly budgetFen: number;
  readonly contractorName: string;
  /** Credit code or ID number, as written. */
  readonly contractorCode: string;
}

/** A village-finance row. */
export interface VoucherRecord extends Located {
  readonly village: Village;
  readonly voucherNo: string;
  readonly date: string;
  readonly direction: string;
  readonly category: string;
  readonly amountFen: number;
  readonly counterparty: string;
  /** Empty when the voucher has no ID. */
  readonly counterpartyIdText: string;
}
