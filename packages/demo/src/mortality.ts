import { addMonths, ageAt, dateIn, daysInMonth } from './calendar.js';
import type { DeathSource, Person } from './population.js';
import type { Rng } from './random.js';

// Rough annual mortality by age band (rural China order of magnitude).
function annualMortality(age: number): number {
  if (age < 40) return 0.001;
  if (age < 60) return 0.004;
  if (age < 70) return 0.012;
  if (age < 80) return 0.035;
  if (age < 90) return 0.09;
  return 0.2;
}

/** How a death became known: mostly police cancellation, often also a cremation record, sometimes only cremation. */
export function drawDeathSources(rng: Rng): DeathSource[] {
  return rng.weighted<DeathSource[]>([
    [['公安注销'], 50],
    [['公安注销', '火化'], 35],
    [['火化'], 15],
  ]);
}

/** A random day of a month as `YYYY-MM-DD`. */
export function randomDay(rng: Rng, month: string): string {
  return dateIn(month, rng.int(1, daysInMonth(month)));
}

/**
 * Natural deaths from twelve months before the period to its end. Heads of household only die
 * inside the period, so the registry snapshot taken at the period start always has a head for
 * every household.
 */
export function assignNaturalDeaths(rng: Rng, persons: readonly Person[], months: readonly string[]): void {
  const first = months[0] as string;
  const window = 12 + months.length;
  const startDate = `${first}-01`;
  for (const person of persons) {
    const age = ageAt(person.birth, startDate);
    if (!rng.chance((annualMortality(age) * window) / 12)) continue;
    let offset = rng.int(-12, months.length - 1);
    if (offset < 0 && person.relation === '户主') offset = rng.int(0, months.length - 1);
    const date = randomDay(rng, addMonths(first, offset));
    if (date < person.birth) continue;
    person.death = { date, sources: drawDeathSources(rng) };
  }
}
