/**
 * vitest globalSetup of both integration projects: the PII scan over the whole run
 * (issue 13). Setup makes the journal folder and names it in the environment, so that every
 * platform the tests start appends its log lines there (`JIANDU_FUNCTION_LOG`) and every test
 * process its public responses (`test/support/pii-journal.ts`, installed by
 * `pii-journal.tap.ts`). Teardown scans all of it and fails the run on any ID number,
 * registry name, phone or receipt code.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoCounty } from '@jiandu/demo';
import { ingestFile } from '@jiandu/ingest';
import { JOURNAL_ENV, scanJournal } from '../support/pii-journal.js';
import { SEEDED_COUNTY } from '../support/seeded-platform.js';

/** Names the integration tests give persons themselves (reporters, registry rows of their fixtures). */
const TEST_NAMES = ['李大娘', '张三丰', '王老汉', '欧阳娜娜', '王建国', '张伟'];

/** The registry names of the demo counties the tests load (the seeded one and the default one). */
async function registryNames(): Promise<string[]> {
  const names = new Set<string>(TEST_NAMES);
  for (const county of [generateDemoCounty(SEEDED_COUNTY), generateDemoCounty()]) {
    for (const file of county.files.filter((f) => f.kind === 'household_registry')) {
      await ingestFile('household_registry', file, {
        accept: (row) => {
          const name = row.values.name;
          // One-character "names" are too common as parts of words to mean a person.
          if (typeof name === 'string' && name.length >= 2) names.add(name);
        },
        reject: () => undefined,
      });
    }
  }
  return [...names];
}

/**
 * Start a journal unless a project's setup already did (both projects share one per run);
 * returns the teardown that scans it.
 */
export default function setup(): () => Promise<void> {
  const owner = process.env[JOURNAL_ENV] === undefined;
  if (owner) {
    const dir = mkdtempSync(join(tmpdir(), 'jiandu-pii-'));
    process.env[JOURNAL_ENV] = dir;
    process.env.JIANDU_FUNCTION_LOG = join(dir, 'platform-logs.jsonl');
    appendFileSync(process.env.JIANDU_FUNCTION_LOG, '');
  }
  return async () => {
    if (!owner) return;
    const dir = process.env[JOURNAL_ENV] as string;
    try {
      await assertNoPii(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      delete process.env[JOURNAL_ENV];
      delete process.env.JIANDU_FUNCTION_LOG;
    }
  };
}

/** Scan the journal; throws (failing the run) listing every leak. */
export async function assertNoPii(dir: string, names?: readonly string[]): Promise<void> {
  const { findings, responses, logLines } = scanJournal(dir, names ?? (await registryNames()));
  if (findings.length === 0) {
    if (!names)
      console.log(
        `PII scan: ${responses} public responses and ${logLines} log lines, none with personal data`,
      );
    return;
  }
  const shown = findings
    .slice(0, 20)
    .map((f) => `  ${f.found.join(', ')} in ${f.where}`)
    .join('\n');
  throw new Error(
    `PII scan: ${findings.length} of ${responses} public responses and ${logLines} log lines leak personal data:\n${shown}`,
  );
}
