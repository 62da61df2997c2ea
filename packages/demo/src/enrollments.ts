import { ageAt, monthFromOrdinal, monthOrdinal, quarterOf } from './calendar.js';
import type { IdForm } from './ids.js';
import { zerosFormIsInvalid } from './ids.js';
import type { Person, Population } from './population.js';
import type { Rng } from './random.js';
import type { DemoProgram, Enrollment, PaymentScenario } from './world.js';

/** Rural 低保 standard per person and month in fen: raised every July. */
export function dibaoStandard(month: string): number {
  const halfYears = Math.floor((monthOrdinal(month) - monthOrdinal('2023-01')) / 6);
  return Math.max(20_000, 36_500 + 1_500 * halfYears);
}

// 耕地地力保护补贴: 105.60 元 per 亩 = 1056 fen per tenth of a 亩.
const GENGDI_FEN_PER_TENTH_MU = 1_056;

/** Draw how a recipient's ID is written on a roster. Destroyed forms need a registry entry to be findable at all. */
export function drawIdForm(rng: Rng, person: Person): IdForm {
  const form = rng.weighted<IdForm>([
    ['valid', 950],
    ['legacy15', 20],
    ['sci', 15],
    ['zeros', 15],
  ]);
  return fitIdForm(form, person);
}

/** The form, or the nearest one that exists for this person (no 15-digit form after 1999, no valid-looking `000` tail). */
export function fitIdForm(form: IdForm, person: Person): IdForm {
  if (form === 'legacy15' && person.id18.slice(6, 8) !== '19') return 'valid';
  if (form === 'zeros' && !zerosFormIsInvalid(person.id18)) return 'sci';
  return form;
}

function enroll(
  rng: Rng,
  person: Person,
  program: DemoProgram,
  schedule: Map<string, number>,
  detail: string,
): Enrollment {
  return { person, program, schedule, idForm: drawIdForm(rng, person), scenario: 'alive', detail };
}

/**
 * Who gets what: 低保 for some village households (paid to the head), 特困 for elderly people
 * living alone, 高龄津贴 from 80, 残疾人两项补贴 for certificate holders, 耕地地力保护补贴 once a
 * year (May) per farming household, and one-off 临时救助 each quarter. Only people alive at
 * the period start are enrolled.
 */
export function buildEnrollments(rng: Rng, population: Population, months: readonly string[]): Enrollment[] {
  const startDate = `${months[0]}-01`;
  const alive = (p: Person): boolean => p.death === undefined || p.death.date >= startDate;
  const out: Enrollment[] = [];
  const every = (fen: (month: string) => number): Map<string, number> =>
    new Map(months.map((m) => [m, fen(m)]));

  for (const household of population.households) {
    const head = household.members[0];
    if (head === undefined || !alive(head)) continue;
    const size = household.members.filter(alive).length;
    const elderlyAlone = household.template === 'elderlyAlone' && ageAt(head.birth, startDate) >= 60;
    if (elderlyAlone && rng.chance(0.4)) {
      const care = ageAt(head.birth, startDate) >= 80 ? 10_000 : 0;
      const fen = (m: string): number => 72_000 + care + (m.slice(5) >= '07' ? 3_000 : 0);
      out.push(enroll(rng, head, 'TEKUN', every(fen), care > 0 ? '全护理' : '生活自理'));
    } else if (household.village.type === 'village' && rng.chance(elderlyAlone ? 0.25 : 0.08)) {
      const members = Math.min(size, 4);
      const tier = rng.weighted([
        [100, 3],
        [80, 4],
        [60, 3],
      ] as const);
      const fen = (m: string): number => Math.round((members * dibaoStandard(m) * tier) / 100);
      out.push(enroll(rng, head, 'DIBAO_RURAL', every(fen), String(members)));
    }
    if (household.landTenthsMu > 0 && rng.chance(0.85)) {
      const may = months.filter((m) => m.slice(5) === '05');
      if (may.length > 0) {
        const fen = household.landTenthsMu * GENGDI_FEN_PER_TENTH_MU;
        out.push(
          enroll(
            rng,
            head,
            'GENGDI',
            new Map(may.map((m) => [m, fen])),
            (household.landTenthsMu / 10).toFixed(1),
          ),
        );
      }
    }
  }

  for (const person of population.persons) {
    if (!alive(person)) continue;
    const age = ageAt(person.birth, startDate);
    if (age >= 80) {
      const fen = age >= 100 ? 50_000 : age >= 90 ? 20_000 : 5_000;
      out.push(
        enroll(
          rng,
          person,
          'GAOLING',
          every(() => fen),
          String(age),
        ),
      );
    }
    if (person.disability !== undefined) {
      const fen = { living: 9_000, care: 12_000, both: 21_000 }[person.disability];
      const label = { living: '困难残疾人生活补贴', care: '重度残疾人护理补贴', both: '两项补贴' }[
        person.disability
      ];
      out.push(
        enroll(
          rng,
          person,
          'CANJI',
          every(() => fen),
          label,
        ),
      );
    }
  }

  // 临时救助: one-off help, about 1% of adults per quarter, in a month they were still alive.
  const quarters = new Map<string, string[]>();
  for (const m of months) {
    const key = `${m.slice(0, 4)}Q${quarterOf(m)}`;
    quarters.set(key, [...(quarters.get(key) ?? []), m]);
  }
  for (const quarterMonths of quarters.values()) {
    for (const person of population.persons) {
      if (!alive(person) || ageAt(person.birth, startDate) < 18 || !rng.chance(0.01)) continue;
      const month = rng.pick(quarterMonths);
      if (person.death !== undefined && person.death.date.slice(0, 7) <= month) continue;
      const fen = rng.int(5, 30) * 10_000;
      out.push(
        enroll(
          rng,
          person,
          'LINSHI',
          new Map([[month, fen]]),
          rng.pick(['因病', '因灾', '因学', '突发事件']),
        ),
      );
    }
  }
  return out;
}

/**
 * Recipients who die naturally are taken off the roster in time: last paid before the death
 * month, in it, or in the following month (the grace month).
 */
export function stopPaymentsOfTheDead(rng: Rng, enrollments: readonly Enrollment[]): void {
  for (const e of enrollments) {
    const death = e.person.death;
    if (death === undefined || e.scenario !== 'alive') continue;
    const deathMonth = death.date.slice(0, 7);
    const scenario = rng.weighted<Exclude<PaymentScenario, 'alive' | 'leak'>>([
      ['stoppedBefore', 35],
      ['stoppedAtDeath', 35],
      ['grace', 30],
    ]);
    setStop(e, scenario, deathMonth);
  }
}

/** Cut an enrollment relative to its recipient's death month. */
export function setStop(
  e: Enrollment,
  scenario: Exclude<PaymentScenario, 'alive' | 'leak'>,
  deathMonth: string,
): void {
  const ord = monthOrdinal(deathMonth) + { stoppedBefore: -1, stoppedAtDeath: 0, grace: 1 }[scenario];
  e.scenario = scenario;
  e.lastPaidMonth = monthFromOrdinal(ord);
}
