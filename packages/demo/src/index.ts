import type { DatasetKind } from '@jiandu/domain/kinds';
import { monthFromOrdinal, monthOrdinal } from './calendar.js';
import { deathRecordFiles } from './datasets/death-records.js';
import { divisionsFile } from './datasets/divisions.js';
import { householdRegistryFile } from './datasets/household-registry.js';
import { subsidyPaymentFiles } from './datasets/subsidy-payments.js';
import { buildEnrollments, stopPaymentsOfTheDead } from './enrollments.js';
import { buildCounty } from './geography.js';
import { assignNaturalDeaths } from './mortality.js';
import { plantDeceasedRecipients } from './plants/deceased-recipients.js';
import { generatePopulation } from './population.js';
import { Rng } from './random.js';
import { type Decoy, deceasedRecipientTruth, type ExpectedLead } from './truth.js';
import type { World } from './world.js';

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
  truth: { leads: ExpectedLead[]; decoys: Decoy[] };
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
 * Generate the fictional county 青山县: divisions, the household registry, death records from
 * police and civil affairs, and a year of subsidy rosters, with planted R01 (deceased
 * recipient) cases and decoys. Deterministic for a seed; the ground truth is computed from
 * the rows as written.
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

  const months = Array.from({ length: monthCount }, (_, i) => monthFromOrdinal(monthOrdinal(firstMonth) + i));
  const startDate = `${firstMonth}-01`;
  const county = buildCounty(rngCounty);
  const population = generatePopulation(rngPeople, county, personCount, startDate);
  assignNaturalDeaths(rngDeaths, population.persons, months);
  const enrollments = buildEnrollments(rngPrograms, population, months);
  stopPaymentsOfTheDead(rngDeaths, enrollments);
  const world: World = { rng: rngFiles, county, population, months, startDate, enrollments };
  plantDeceasedRecipients(world, rngPlants);

  const divisions = divisionsFile(world);
  const registry = householdRegistryFile(world);
  const deaths = deathRecordFiles(world);
  const subsidies = subsidyPaymentFiles(world);
  const truth = deceasedRecipientTruth(registry.records, deaths.records, subsidies.records);

  return {
    countyName: county.name,
    files: [divisions, registry.file, ...deaths.files, ...subsidies.files].map((f) => ({ ...f })),
    truth,
    stats: {
      persons: population.persons.length,
      households: population.households.length,
      payments: subsidies.records.length,
    },
  };
}
