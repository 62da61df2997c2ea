/**
 * The benchmark's re-upload: one monthly payment roster of the county changed the way a
 * department's corrected file would change it, written (outside the cache) as an upload
 * folder of its own, with the leads that must appear and disappear because of the change —
 * derived from the generator's truth, so the check is exact.
 *
 * The change, in the month's 农村低保 roster (or whichever monthly roster qualifies):
 * - one planted duplicate payment (an R06 lead of the truth: a person paid twice for the month
 *   in that file) loses its second row → that R06 lead must disappear;
 * - one ordinary payment (a person with no lead and no decoy of the truth) is entered twice →
 *   an R06 lead for that person, program and month must appear.
 * Both people have nothing else in the truth, so no other lead may appear or disappear.
 * Lines are cut and copied as bytes: the file keeps its encoding (GBK or UTF-8) and layout.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Decoy, ExpectedLead } from '@jiandu/demo';
import type { NormalizedRow, RuleCode } from '@jiandu/domain/model';
import { ingestFile } from '@jiandu/ingest';

/** A file of the county's upload folder. */
export interface CountyFile {
  readonly kind: string;
  readonly path: string;
  /** `{department}/{kind}/{file}` inside the upload folder. */
  readonly relativePath: string;
}

/** A lead named as the truth names it. */
export interface LeadKey {
  readonly rule: RuleCode;
  readonly subjectKey: string;
}

/** The changed roster and what must change in the leads. */
export interface RosterChange {
  /** The roster changed (its path inside the upload folder: the same object key as before). */
  readonly relativePath: string;
  /** An upload folder holding only the changed copy. */
  readonly folder: string;
  /** Data rows of the changed copy. */
  readonly rows: number;
  readonly disappear: readonly LeadKey[];
  readonly appear: readonly LeadKey[];
  /** What was changed, for the report (no personal data: rule, month and line numbers). */
  readonly description: string;
}

/** The month `YYYY-MM` a monthly roster's file name names (`2023年3月农村低保发放花名册.csv`). */
export function rosterMonth(fileName: string): string | undefined {
  const m = /(\d{4})年(\d{1,2})月/.exec(fileName);
  return m ? `${m[1]}-${(m[2] as string).padStart(2, '0')}` : undefined;
}

/** The file's lines as byte ranges, each with its line terminator. */
function lineSpans(bytes: Buffer): { from: number; to: number }[] {
  const spans: { from: number; to: number }[] = [];
  let from = 0;
  while (from < bytes.length) {
    const nl = bytes.indexOf(0x0a, from);
    const to = nl === -1 ? bytes.length : nl + 1;
    spans.push({ from, to });
    from = to;
  }
  return spans;
}

/** `bytes` without line `remove` and with line `copy` entered twice (1-based line numbers). */
export function editLines(bytes: Buffer, remove: number, copy: number): Buffer {
  const spans = lineSpans(bytes);
  const first = spans[0] ? bytes.subarray(spans[0].from, spans[0].to) : Buffer.alloc(0);
  const eol = Buffer.from(first.includes(Buffer.from('\r\n')) ? '\r\n' : '\n');
  const parts: Buffer[] = [];
  for (const [i, span] of spans.entries()) {
    if (i + 1 === remove) continue;
    const line = bytes.subarray(span.from, span.to);
    // The last line may have no terminator: the copy must not run into it.
    const terminated = line.at(-1) === 0x0a ? line : Buffer.concat([line, eol]);
    parts.push(i + 1 === copy ? terminated : line);
    if (i + 1 === copy) parts.push(terminated);
  }
  return Buffer.concat(parts);
}

async function readRows(file: CountyFile): Promise<NormalizedRow[]> {
  const rows: NormalizedRow[] = [];
  await ingestFile(
    'subsidy_payments',
    { fileName: file.relativePath.split('/').at(-1) as string, body: readFileSync(file.path) },
    { accept: (row) => void rows.push(row), reject: () => undefined },
  );
  return rows;
}

const personOf = (subjectKey: string): string => subjectKey.split('|')[0] as string;
const paymentKey = (row: NormalizedRow): string =>
  `${row.idNumber}|${String(row.values.program)}|${String(row.values.period)}`;

/**
 * Change one monthly roster of `files` as described above and write the copy under
 * `outDir/{relativePath}`. Throws when no monthly roster offers both a planted duplicate and an
 * ordinary payment to copy (a county too small to have an R06 plant in a monthly roster).
 */
export async function changeOneMonthlyRoster(options: {
  readonly files: readonly CountyFile[];
  readonly expected: readonly ExpectedLead[];
  readonly decoys: readonly Pick<Decoy, 'subjectKey'>[];
  readonly outDir: string;
}): Promise<RosterChange> {
  const monthly = new Map<string, CountyFile>();
  for (const f of options.files) {
    const month = f.kind === 'subsidy_payments' ? rosterMonth(f.relativePath) : undefined;
    if (month !== undefined && !monthly.has(month)) monthly.set(month, f);
  }
  // People the truth names anywhere: changing their payments could move a lead other than ours.
  const named = new Map<string, number>();
  for (const { subjectKey } of [...options.expected, ...options.decoys]) {
    const id = personOf(subjectKey);
    named.set(id, (named.get(id) ?? 0) + 1);
  }
  const candidates = options.expected
    .filter(
      (l) =>
        l.rule === 'R06' &&
        l.match === 'id' &&
        !l.needsRepair &&
        !l.needsFallback &&
        l.payments === 2 &&
        named.get(personOf(l.subjectKey)) === 1 &&
        monthly.has(l.subjectKey.split('|')[2] as string),
    )
    .sort((a, b) => (a.subjectKey < b.subjectKey ? -1 : 1));

  const read = new Map<string, Promise<NormalizedRow[]>>();
  for (const lead of candidates) {
    const file = monthly.get(lead.subjectKey.split('|')[2] as string) as CountyFile;
    if (!read.has(file.path)) read.set(file.path, readRows(file));
    const rows = await (read.get(file.path) as Promise<NormalizedRow[]>);
    const bytes = readFileSync(file.path);
    const spans = lineSpans(bytes);
    // A line holds the row's ID as written (digits are never part of a GBK character).
    const onLine = (row: NormalizedRow): boolean => {
      const span = spans[row.row - 1];
      return (
        span !== undefined && bytes.subarray(span.from, span.to).includes(Buffer.from(row.idNumber ?? '-'))
      );
    };
    const twice = rows.filter((r) => paymentKey(r) === lead.subjectKey);
    if (twice.length !== 2 || !twice.every((r) => r.idStatus === 'as_given' && onLine(r))) continue;
    const perKey = new Map<string, number>();
    for (const r of rows) perKey.set(paymentKey(r), (perKey.get(paymentKey(r)) ?? 0) + 1);
    const program = lead.subjectKey.split('|')[1];
    const ordinary = rows.find(
      (r) =>
        r.idStatus === 'as_given' &&
        r.idNumber !== undefined &&
        r.values.program === program &&
        typeof r.values.period === 'string' &&
        !named.has(r.idNumber) &&
        perKey.get(paymentKey(r)) === 1 &&
        onLine(r),
    );
    if (!ordinary) continue;
    const removed = (twice[1] as NormalizedRow).row;
    const changed = editLines(bytes, removed, ordinary.row);
    const folder = join(options.outDir, 'reupload');
    const target = join(folder, file.relativePath);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, changed);
    return {
      relativePath: file.relativePath,
      folder,
      rows: rows.length,
      disappear: [{ rule: 'R06', subjectKey: lead.subjectKey }],
      appear: [{ rule: 'R06', subjectKey: paymentKey(ordinary) }],
      description:
        `${file.relativePath}: line ${removed} (the second payment of a planted R06 duplicate, ${lead.subjectKey.split('|').slice(1).join(' ')}) removed, ` +
        `line ${ordinary.row} (an ordinary payment, ${String(ordinary.values.program)} ${String(ordinary.values.period)}) entered twice`,
    };
  }
  throw new Error(
    `no monthly payment roster has a planted R06 duplicate to correct and an ordinary payment to duplicate (${candidates.length} candidates)`,
  );
}
