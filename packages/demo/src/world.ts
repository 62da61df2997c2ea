import type { DatasetKind } from '@jiandu/domain/kinds';
import type { County, Village } from './geography.js';
import type { IdForm } from './ids.js';
import type { Person, Population } from './population.js';
import type { Rng } from './random.js';
import type { Society } from './society/types.js';

/** Subsidy programs the demo county pays (codes of the domain program catalogue). */
export type DemoProgram = 'DIBAO_RURAL' | 'TEKUN' | 'LINSHI' | 'GAOLING' | 'CANJI' | 'GENGDI';

/**
 * How an enrollment ended up being paid relative to its recipient's death:
 * `alive` (no death in play), `stoppedBefore` (last paid before the death month),
 * `stoppedAtDeath` (last paid in the death month), `grace` (last paid in the month after
 * the death month — still allowed), `leak` (kept being paid later: R01 plant).
 */
export type PaymentScenario = 'alive' | 'stoppedBefore' | 'stoppedAtDeath' | 'grace' | 'leak';

/** One person's entitlement to one program over the period. */
export interface Enrollment {
  readonly person: Person;
  readonly program: DemoProgram;
  /** Scheduled payments, month (`YYYY-MM`) → amount in fen, before any death cut-off. */
  readonly schedule: ReadonlyMap<string, number>;
  /** How the recipient's ID is written on this program's rosters (the roster is copied month to month). */
  idForm: IdForm;
  /** Last month actually paid; absent = paid as scheduled. */
  lastPaidMonth?: string;
  scenario: PaymentScenario;
  /** Program-specific detail written on the roster (保障人数, 残疾类别, 亩数 …). */
  readonly detail: string;
  /** The village whose roster pays it, when not the recipient's own (a duplicate kept on the old village's roster). */
  paidIn?: Village;
  /** The name written on the roster, when it is not the recipient's own (冒名: someone else's name on a real ID). */
  writtenName?: string;
}

/** Everything generated before files are written: the shared state of dataset writers and plants. */
export interface World {
  readonly rng: Rng;
  readonly county: County;
  readonly population: Population;
  /** Months of the period, in order (`YYYY-MM`). */
  readonly months: readonly string[];
  /** First day of the period (`YYYY-MM-01`): the household registry snapshot date. */
  readonly startDate: string;
  readonly enrollments: Enrollment[];
  /** The other datasets' contents (officials, payroll, assets, poverty, projects, village books). */
  readonly society: Society;
}

/** One generated file, before it becomes a {@link DemoFile}. */
export interface GeneratedFile {
  readonly department: string;
  readonly kind: DatasetKind;
  readonly fileName: string;
  readonly body: Uint8Array;
}

/** The payments an enrollment actually received: its schedule cut at `lastPaidMonth`. */
export function paidMonths(enrollment: Enrollment): [month: string, fen: number][] {
  const out: [string, number][] = [];
  for (const [month, fen] of enrollment.schedule) {
    if (enrollment.lastPaidMonth === undefined || month <= enrollment.lastPaidMonth) out.push([month, fen]);
  }
  return out;
}

/** Whether a person was alive (not yet dead) at the start of the period: those are in the registry snapshot. */
export function inRegistry(person: Person, startDate: string): boolean {
  return person.death === undefined || person.death.date >= startDate;
}
