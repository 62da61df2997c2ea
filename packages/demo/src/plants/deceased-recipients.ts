import { addMonths, monthFromOrdinal, monthOrdinal } from '../calendar.js';
import { fitIdForm, setStop } from '../enrollments.js';
import { FirstFit } from '../first-fit.js';
import type { IdForm } from '../ids.js';
import { drawDeathSources, randomDay } from '../mortality.js';
import type { Person } from '../population.js';
import type { Rng } from '../random.js';
import { type DemoProgram, type Enrollment, paidMonths, type World } from '../world.js';

// Programs paid every month: the ones where a death goes unnoticed month after month.
const MONTHLY: ReadonlySet<DemoProgram> = new Set(['DIBAO_RURAL', 'TEKUN', 'GAOLING', 'CANJI']);

interface LeakSpec {
  /** Forced ID form on the leaking roster, or `null` to keep the drawn one. */
  readonly form: IdForm | null;
  /** Death before the period (the person is then not in the registry snapshot). */
  readonly prePeriod: boolean;
}

/**
 * Plant R01 (DECEASED_RECIPIENT) positives and decoys.
 *
 * Positives: about 1.5% of recurring recipients (at least four) die and one of their monthly
 * programs keeps paying for at least one month after the grace month. The first four cover
 * every way the platform must find them: a 15-digit legacy ID, a scientific-notation ID and a
 * `000`-tail ID on the roster (name + village fallback), and a death before the period.
 *
 * Decoys (never leads): at least two recipients whose last payment falls in the grace month
 * (one of them died the month before the period and was paid only in its first month), and
 * at least two paid only before their death.
 */
export function plantDeceasedRecipients(world: World, rng: Rng): void {
  const { months, enrollments } = world;
  const first = months[0] as string;
  const last = months[months.length - 1] as string;
  const byPerson = new Map<Person, Enrollment[]>();
  for (const e of enrollments) byPerson.set(e.person, [...(byPerson.get(e.person) ?? []), e]);
  const used = new Set<Person>();
  const candidates = rng.shuffle(
    enrollments.filter(
      (e) => MONTHLY.has(e.program) && e.scenario === 'alive' && e.person.death === undefined,
    ),
  );
  const recurring = new Set(enrollments.filter((e) => e.program !== 'LINSHI').map((e) => e.person)).size;

  // First fit over the shuffled candidates, or over one program's of them (same order).
  const unused = (list: readonly Enrollment[]) => new FirstFit(list, (e) => used.has(e.person));
  const anyProgram = unused(candidates);
  const ofProgram = new Map(
    [...MONTHLY].map((program) => [program, unused(candidates.filter((e) => e.program === program))]),
  );
  const take = (accept: (e: Enrollment) => boolean, program?: DemoProgram): Enrollment | undefined => {
    const found = (program === undefined ? anyProgram : ofProgram.get(program))?.first(accept);
    if (found) used.add(found.person);
    return found;
  };
  const kill = (person: Person, deathMonth: string, leaking: Enrollment | undefined): void => {
    person.death = { date: randomDay(rng, deathMonth), sources: drawDeathSources(rng) };
    // The person's other programs stop on time: they become decoys for those programs.
    for (const other of byPerson.get(person) ?? []) {
      if (other === leaking) continue;
      setStop(other, rng.pick(['stoppedBefore', 'stoppedAtDeath', 'grace'] as const), deathMonth);
    }
    if (deathMonth < first) {
      // Not in the registry snapshot: a destroyed ID could never be traced back, keep it readable.
      for (const e of byPerson.get(person) ?? [])
        if (e.idForm === 'sci' || e.idForm === 'zeros') e.idForm = 'valid';
    }
  };

  // Leaks need a payment at death month + 2 or later inside the period.
  const latestInPeriodDeath = addMonths(last, -2);
  const count = Math.max(4, Math.round(recurring * 0.015));
  const specs: LeakSpec[] = [
    { form: 'legacy15', prePeriod: false },
    { form: 'sci', prePeriod: false },
    { form: 'zeros', prePeriod: false },
    { form: null, prePeriod: true },
  ];
  const programOrder: readonly DemoProgram[] = ['DIBAO_RURAL', 'TEKUN', 'GAOLING', 'CANJI'];
  for (let i = 0; i < count; i++) {
    const spec = specs[i] ?? { form: null, prePeriod: false };
    const prePeriod = spec.prePeriod || latestInPeriodDeath < first;
    const fits = (c: Enrollment): boolean =>
      (spec.form === null || fitIdForm(spec.form, c.person) === spec.form) &&
      // Heads of household stay in the registry snapshot, so only members die before the period.
      (!prePeriod || c.person.relation !== '户主');
    // Spread the leaks over the programs, falling back to any program that has a fitting recipient.
    const preferred = programOrder[i % programOrder.length] as DemoProgram;
    const e = take(fits, preferred) ?? take(fits);
    if (e === undefined) continue;
    const deathMonth = prePeriod
      ? addMonths(first, -rng.int(1, 3))
      : addMonths(first, rng.int(0, monthOrdinal(latestInPeriodDeath) - monthOrdinal(first)));
    if (spec.form !== null) e.idForm = spec.form;
    kill(e.person, deathMonth, e);
    const firstFiring = monthFromOrdinal(Math.max(monthOrdinal(first), monthOrdinal(deathMonth) + 2));
    e.scenario = 'leak';
    e.lastPaidMonth = addMonths(firstFiring, rng.int(0, monthOrdinal(last) - monthOrdinal(firstFiring)));
  }

  // Grace-month decoys: paid in the death month's following month, and no later.
  const isGrace = (e: Enrollment): boolean =>
    e.scenario === 'grace' &&
    e.person.death !== undefined &&
    paidMonths(e).some(([m]) => m === addMonths((e.person.death as { date: string }).date.slice(0, 7), 1));
  let graces = enrollments.filter(isGrace).length;
  const plantGrace = (prePeriod: boolean): void => {
    const e = take((c) => !prePeriod || c.person.relation !== '户主');
    if (e === undefined) return;
    const deathMonth = prePeriod
      ? addMonths(first, -1)
      : addMonths(first, rng.int(0, Math.max(0, months.length - 2)));
    kill(e.person, deathMonth, undefined);
    setStop(e, 'grace', deathMonth);
    if (isGrace(e)) graces++;
  };
  plantGrace(true);
  while (graces < 3 && anyProgram.first(() => true) !== undefined) plantGrace(false);

  // Decoys paid only before the death.
  const isBefore = (e: Enrollment): boolean => e.scenario === 'stoppedBefore' && paidMonths(e).length > 0;
  let befores = enrollments.filter(isBefore).length;
  while (befores < 2 && months.length >= 2) {
    const e = take(() => true);
    if (e === undefined) break;
    const deathMonth = addMonths(first, rng.int(1, months.length - 1));
    kill(e.person, deathMonth, undefined);
    setStop(e, 'stoppedBefore', deathMonth);
    if (isBefore(e)) befores++;
  }
}
