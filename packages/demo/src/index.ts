import { type DatasetKind, inUploadOrder } from '@jiandu/domain/kinds';
import { monthFromOrdinal, monthOrdinal } from './calendar.js';
import { deathRecordFiles } from './datasets/death-records.js';
import { divisionsFile } from './datasets/divisions.js';
import { householdRegistryFile } from './datasets/household-registry.js';
import { noticeFiles } from './datasets/notices.js';
import { societyFiles } from './datasets/society-files.js';
import { subsidyPaymentFiles } from './datasets/subsidy-payments.js';
import { buildEnrollments, stopPaymentsOfTheDead } from './enrollments.js';
import { buildCounty } from './geography.js';
import { assignNaturalDeaths } from './mortality.js';
import { plantDeceasedRecipients } from './plants/deceased-recipients.js';
import { type PlantNote, plantSociety } from './plants/society.js';
import { generatePopulation, type Person } from './population.js';
import { Rng } from './random.js';
import { generateBackground } from './society/background.js';
import type { Society } from './society/types.js';
import { type Decoy, deceasedRecipientTruth, type ExpectedLead } from './truth.js';
import { societyTruth } from './truth-rules.js';
import type { World } from './world.js';

export type { PlantNote } from './plants/society.js';
export { subjectKeys } from './subject-keys.js';
export type { Decoy, ExpectedLead } from './truth.js';

/** One file as a department would upload it, to `uploads/${department}/${kind}/${fileName}`. */
export interface DemoFile {
  department: string;
  kind: DatasetKind;
  fileName: string;
  body: Uint8Array;
}

/** The generated county: its files and the leads (and non-leads) the platform must find in them. */
export interface DemoCounty {
  countyName: string;
  files: DemoFile[];
  /** Expected leads of every rule, near misses that must not be leads, and what was planted (for readers). */
  truth: { leads: ExpectedLead[]; decoys: Decoy[]; plants: PlantNote[] };
  stats: { persons: number; households: number; payments: number };
}

/** Options of {@link generateDemoCounty}. */
export interface DemoOptions {
  /** PRNG seed; the same seed always gives byte-identical files. Default 20230101. */
  seed?: number;
  /** Number of persons (including those who died shortly before the period). Default 2000. */
  persons?: number;
  /** First month of the subsidy period, `YYYY-MM`. Default `2023-01`. */
  firstMonth?: string;
  /** Length of the subsidy period in months. Default 12. */
  months?: number;
}

/** The upload key of a demo file (CONTRACT.md §1). */
export function demoUploadKey(file: DemoFile): string {
  return `uploads/${file.department}/${file.kind}/${file.fileName}`;
}

/**
 * The files in upload order ({@link inUploadOrder}: divisions, what others are matched
 * against, payments last), files of one kind by upload key so every run uploads alike.
 */
export function demoFilesInUploadOrder(files: readonly DemoFile[]): DemoFile[] {
  return inUploadOrder(files, (a, b) => {
    const [ka, kb] = [demoUploadKey(a), demoUploadKey(b)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/**
 * Generate the fictional county 青山县: divisions, the household registry, death records,
 * a year of subsidy rosters, officials, payroll, social insurance, businesses, property,
 * vehicles, the poverty register, livelihood projects, village books and notices — with planted
 * positives and near-miss decoys of every rule R01–R12. Deterministic for a seed; the ground
 * truth is computed from the rows as written, independently of the platform's rules.
 */
export function generateDemoCounty(options: DemoOptions = {}): DemoCounty {
  const seed = options.seed ?? 20230101;
  const personCount = options.persons ?? 2000;
  const firstMonth = options.firstMonth ?? '2023-01';
  const monthCount = options.months ?? 12;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(firstMonth)) throw new Error('firstMonth must be YYYY-MM');
  if (!Number.isInteger(personCount) || personCount < 50) throw new Error('persons must be an integer ≥ 50');
  if (!Number.isInteger(monthCount) || monthCount < 1 || monthCount > 60)
    throw new Error('months must be 1–60');

  const root = new Rng(seed);
  // Each stage draws from its own stream, so adding draws to one stage doesn't reshuffle the others.
  const rngCounty = root.fork();
  const rngPeople = root.fork();
  const rngDeaths = root.fork();
  const rngPrograms = root.fork();
  const rngPlants = root.fork();
  const rngFiles = root.fork();
  // Forked after the original streams, so the R01 county of a seed stays what it was.
  const rngSociety = root.fork();
  const rngSocietyPlants = root.fork();
  const rngSocietyFiles = root.fork();
  // Forked last: the notices add files without changing any other file of a seed.
  const rngNotices = root.fork();

  const months = Array.from({ length: monthCount }, (_, i) => monthFromOrdinal(monthOrdinal(firstMonth) + i));
  const startDate = `${firstMonth}-01`;
  const county = buildCounty(rngCounty);
  const population = generatePopulation(rngPeople, county, personCount, startDate);
  assignNaturalDeaths(rngDeaths, population.persons, months);
  const enrollments = buildEnrollments(rngPrograms, population, months);
  stopPaymentsOfTheDead(rngDeaths, enrollments);
  const empty: Society = {
    officials: [],
    payroll: [],
    insurance: [],
    entities: [],
    properties: [],
    vehicles: [],
    poverty: [],
    projects: [],
    vouchers: [],
  };
  plantDeceasedRecipients(
    { rng: rngFiles, county, population, months, startDate, enrollments, society: empty },
    rngPlants,
  );

  const context = {
    county,
    population,
    months,
    startDate,
    enrollments,
    scale: personCount / 2000,
    usedCreditCodes: new Set<string>(),
    usedPlates: new Set<string>(),
    taken: new Set<Person>(),
  };
  const society = generateBackground({ ...context, rng: rngSociety });
  const plants = plantSociety({ ...context, rng: rngSocietyPlants }, society, enrollments);
  const world: World = { rng: rngFiles, county, population, months, startDate, enrollments, society };

  const divisions = divisionsFile(world);
  const registry = householdRegistryFile(world);
  const deaths = deathRecordFiles(world);
  const subsidies = subsidyPaymentFiles(world);
  const others = societyFiles(world, rngSocietyFiles);
  const r01 = deceasedRecipientTruth(registry.records, deaths.records, subsidies.records);
  const rest = societyTruth({
    registry: registry.records,
    deaths: deaths.records,
    payments: subsidies.records,
    ...others.records,
  });

  return {
    countyName: county.name,
    // Reference databases first, payments last: the order departments' data would typically arrive in.
    files: [
      divisions,
      registry.file,
      ...deaths.files,
      ...others.files,
      ...noticeFiles(world, rngNotices),
      ...subsidies.files,
    ].map((f) => ({
      ...f,
    })),
    truth: { leads: [...r01.leads, ...rest.leads], decoys: [...r01.decoys, ...rest.decoys], plants },
    stats: {
      persons: population.persons.length,
      households: population.households.length,
      payments: subsidies.records.length,
    },
  };
}
