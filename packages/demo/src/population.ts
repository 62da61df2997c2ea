import { ageAt } from './calendar.js';
import { allVillages, type County, type Village } from './geography.js';
import { makeId } from './ids.js';
import { drawGivenName, drawMinorityGiven, drawSurname, unusedRareName } from './names.js';
import type { Rng } from './random.js';

/** Relation to the head of household, as the household registry writes it. */
export type Relation = '户主' | '配偶' | '子' | '女' | '父' | '母';

/** Where a death became known: police hukou cancellation or the funeral home's cremation record. */
export type DeathSource = '公安注销' | '火化';

/** A death of a person of the demo county. */
export interface Death {
  /** `YYYY-MM-DD`. */
  date: string;
  sources: DeathSource[];
}

/** A resident of the demo county. */
export interface Person {
  /** Position in generation order; stable for a seed. */
  readonly index: number;
  /** Normalized 18-digit ID number. */
  readonly id18: string;
  readonly name: string;
  readonly gender: 'M' | 'F';
  /** `YYYY-MM-DD`. */
  readonly birth: string;
  readonly ethnicity: string;
  readonly household: Household;
  readonly relation: Relation;
  /** Kind of disability when the person holds a disability certificate. */
  disability?: 'living' | 'care' | 'both';
  death?: Death;
}

/** A registered household (户). */
export interface Household {
  /** 户号. */
  readonly no: string;
  readonly village: Village;
  readonly address: string;
  readonly template: HouseholdTemplate;
  /** Contracted farmland in tenths of 亩 (0 in neighbourhoods). */
  readonly landTenthsMu: number;
  readonly members: Person[];
}

export type HouseholdTemplate =
  | 'family'
  | 'threeGenerations'
  | 'elderlyCouple'
  | 'elderlyAlone'
  | 'youngCouple'
  | 'single';

const TEMPLATES: readonly (readonly [HouseholdTemplate, number])[] = [
  ['family', 33],
  ['threeGenerations', 20],
  ['elderlyCouple', 20],
  ['elderlyAlone', 10],
  ['youngCouple', 10],
  ['single', 7],
];

// Draws of a unique name before falling back to rarer characters: far above what any village
// needs while it has common names left (at most 32 at 200,000 persons, default seed).
const NAME_DRAWS = 100;

const ETHNICITIES: readonly (readonly [string, number])[] = [
  ['汉族', 92],
  ['土家族', 5],
  ['苗族', 3],
];

interface Draft {
  gender: 'M' | 'F';
  age: number;
  relation: Relation;
  /** Han surname; minority names take the father's given name instead. */
  surname: string;
}

/** The population: every person ever resident (including those who died before the period). */
export interface Population {
  readonly persons: Person[];
  readonly households: Household[];
}

/**
 * Generate households village by village until `target` persons exist (the last household is
 * trimmed so the count is exact). Names are unique within a village, so name + village
 * identifies a person, and every ID is unique.
 */
export function generatePopulation(
  rng: Rng,
  county: County,
  target: number,
  referenceDate: string,
): Population {
  const villages = allVillages(county);
  // Villages differ in size; neighbourhoods (社区) are the larger ones.
  const villageWeights = villages.map(
    (v) => [v, (v.type === 'community' ? 1.6 : 1) * (0.6 + rng.next() * 0.8)] as const,
  );
  const namesInVillage = new Map<string, Set<string>>();
  const householdSeq = new Map<string, number>();
  const usedIds = new Set<string>();
  const persons: Person[] = [];
  const households: Household[] = [];
  const [refY, refM, refD] = referenceDate.split('-').map(Number) as [number, number, number];

  const birthFor = (age: number): string => {
    // A uniformly random birthday such that the person is exactly `age` on the reference date.
    const latest = Date.UTC(refY - age, refM - 1, refD) / 86_400_000;
    const earliest = Date.UTC(refY - age - 1, refM - 1, refD) / 86_400_000 + 1;
    const date = new Date(rng.int(earliest, latest) * 86_400_000).toISOString().slice(0, 10);
    if (ageAt(date, referenceDate) !== age) throw new Error('birth date arithmetic is off');
    return date;
  };

  const newId = (birth: string, gender: 'M' | 'F'): string => {
    for (;;) {
      const base = rng.int(0, 99) * 10;
      const genderDigit = gender === 'M' ? rng.pick([1, 3, 5, 7, 9]) : rng.pick([0, 2, 4, 6, 8]);
      const id = makeId(county.areaCode, birth, base + genderDigit);
      // A genuine ID ending in `000` would look like a spreadsheet-destroyed one: avoid it.
      if (!usedIds.has(id) && !id.endsWith('000')) {
        usedIds.add(id);
        return id;
      }
    }
  };

  while (persons.length < target) {
    const village = rng.weighted(villageWeights);
    const template = rng.weighted(TEMPLATES);
    const drafts = draftHousehold(rng, template).slice(0, target - persons.length);
    const minority = rng.chance(0.02);
    const ethnicity = minority ? '维吾尔族' : rng.weighted(ETHNICITIES);
    const seq = (householdSeq.get(village.code) ?? 0) + 1;
    householdSeq.set(village.code, seq);
    const group = rng.int(1, 12);
    const address =
      village.type === 'village'
        ? `${county.name}${village.township.name}${village.name}${group}组${rng.int(1, 60)}号`
        : `${county.name}${village.township.name}${village.name}${rng.pick(['解放路', '人民路', '建设街', '青山路'])}${rng.int(1, 200)}号`;
    const household: Household = {
      no: `${village.code.slice(6)}${String(seq).padStart(4, '0')}`,
      village,
      address,
      template,
      landTenthsMu: village.type === 'village' ? rng.int(8, 80) : 0,
      members: [],
    };
    const names = namesInVillage.get(village.code) ?? new Set<string>();
    namesInVillage.set(village.code, names);
    // Minority families: children carry the father's given name after the `·`.
    const fatherGiven = drawMinorityGiven(rng, 'M');
    const headGiven = drawMinorityGiven(rng, drafts[0]?.gender ?? 'M');
    for (const d of drafts) {
      const birth = birthFor(d.age);
      const birthYear = Number(birth.slice(0, 4));
      // Names are unique within a village; the minority name pool is small, so after a few
      // collisions fall back to a Han name. A large village runs out of a common surname's
      // names too (a birthday problem that ends in an endless loop): after NAME_DRAWS draws,
      // take an unused name of rarer characters. Smaller counties never get there, so their
      // names (and every later draw) stay what they were.
      let name = '';
      for (let attempt = 0; name === '' || names.has(name); attempt++) {
        if (attempt === NAME_DRAWS) name = unusedRareName(rng, d.surname, d.gender, names);
        else if (minority && attempt < 20) {
          const own = drawMinorityGiven(rng, d.gender);
          const isChild = d.relation === '子' || d.relation === '女';
          const father = isChild
            ? drafts[0]?.gender === 'M'
              ? headGiven
              : fatherGiven
            : drawMinorityGiven(rng, 'M');
          name = `${own}·${father}`;
        } else {
          name = d.surname + drawGivenName(rng, d.gender, birthYear);
        }
      }
      names.add(name);
      const person: Person = {
        index: persons.length,
        id18: newId(birth, d.gender),
        name,
        gender: d.gender,
        birth,
        ethnicity,
        household,
        relation: d.relation,
      };
      if (d.age >= 16 && rng.chance(0.025))
        person.disability = rng.weighted([
          ['living', 5],
          ['care', 3],
          ['both', 2],
        ] as const);
      household.members.push(person);
      persons.push(person);
    }
    households.push(household);
  }
  return { persons, households };
}

/** Genders, ages and relations of one household's members, head first. */
function draftHousehold(rng: Rng, template: HouseholdTemplate): Draft[] {
  const headGender: 'M' | 'F' = rng.chance(0.8) ? 'M' : 'F';
  const other = (g: 'M' | 'F'): 'M' | 'F' => (g === 'M' ? 'F' : 'M');
  const familySurname = drawSurname(rng);
  const head = (age: number): Draft => ({
    gender: headGender,
    age,
    relation: '户主',
    surname: headGender === 'M' ? familySurname : drawSurname(rng),
  });
  const spouse = (headAge: number): Draft => ({
    gender: other(headGender),
    age: Math.max(20, headAge + rng.int(-4, 4)),
    relation: '配偶',
    surname: headGender === 'M' ? drawSurname(rng) : familySurname,
  });
  const children = (headAge: number, count: number): Draft[] =>
    Array.from({ length: count }, () => {
      const gender: 'M' | 'F' = rng.chance(0.52) ? 'M' : 'F';
      return {
        gender,
        age: Math.max(0, headAge - rng.int(22, 34)),
        relation: gender === 'M' ? '子' : '女',
        surname: familySurname,
      } satisfies Draft;
    });
  switch (template) {
    case 'family': {
      const age = rng.int(32, 58);
      return [head(age), spouse(age), ...children(age, rng.int(1, 3))];
    }
    case 'threeGenerations': {
      const age = rng.int(30, 60);
      const drafts = [head(age), spouse(age), ...children(age, rng.int(1, 2))];
      const parentAge = Math.min(99, age + rng.int(22, 34));
      const withFather = rng.chance(0.6);
      const withMother = !withFather || rng.chance(0.8);
      // The head's father shares the head's surname.
      const headSurname = drafts[0]?.surname ?? familySurname;
      if (withFather) drafts.push({ gender: 'M', age: parentAge, relation: '父', surname: headSurname });
      if (withMother) {
        drafts.push({
          gender: 'F',
          age: Math.min(101, parentAge + rng.int(-3, 2)),
          relation: '母',
          surname: drawSurname(rng),
        });
      }
      return drafts;
    }
    case 'elderlyCouple': {
      // Ages skew young: people in their eighties and nineties are a small minority.
      const age = rng.int(60, 78) + (rng.chance(0.3) ? rng.int(0, 10) : 0);
      return [head(age), spouse(age)];
    }
    case 'elderlyAlone':
      return [head(rng.int(62, 80) + (rng.chance(0.35) ? rng.int(0, 17) : 0))];
    case 'youngCouple': {
      const age = rng.int(22, 34);
      return [head(age), spouse(age), ...children(age + 22, rng.int(0, 1))];
    }
    case 'single':
      return [head(rng.int(20, 60))];
  }
}
