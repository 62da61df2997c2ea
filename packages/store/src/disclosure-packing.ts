import type { LookupEntry } from '@jiandu/domain/disclosure/lookup';
import { type DisclosedPayment, paymentOrder, programNameOf } from '@jiandu/domain/disclosure/records';
import type { TotalsBy, TotalsCell } from '@jiandu/domain/disclosure/totals';

/**
 * How the disclosure projections are packed into few items (`keys.ts`), shared by the DynamoDB
 * adapter and its in-memory twin so both write (and count) the same items:
 *
 * - a **payment page** holds the records of one (month, township, village, program) group,
 *   in `paymentOrder` (masked name, amount, pay date, ref), as one compact JSON string; a group whose records pass {@link ITEM_BUDGET}
 *   bytes is split into numbered chunks (DynamoDB's item limit is 400 KB);
 * - a **digest bucket** holds what is filed under keyed digests (a person's payments, lookup
 *   entries) for every digest with the same first 8 bits ({@link bucketOf}), sorted
 *   by digest and chunked the same way; chunk 0 lists the first digest of every further chunk
 *   (`bounds`), so a reader knows which chunk holds a digest after reading chunk 0.
 *
 * Bucket count: 256 (the first 8 bits of the digest). DynamoDB Local writes ≈ 100–200 items/s
 * whatever their size up to ≈ 50 KB, and ≈ 10 MB/s of larger ones: fewer, fuller items are what
 * makes a county's first sync fast. At 1,000,000 persons (≈ 1.5 M payments a year, ≈ 0.8 M
 * lookup entries) a person bucket holds ≈ 4,000 persons' payments (≈ 320 KB a year with the
 * bucket's string dictionary: 2 chunks) and a lookup bucket ≈ 3,000 entries (≈ 400 KB: 2
 * chunks); at 3 M payments a year over a 3-year window, ≈ 7 chunks per person bucket. A lookup
 * reads chunk 0 of each bucket it needs, then only the chunks its digests fall in.
 */

/** Bytes of packed records per item at most (DynamoDB's limit is 400 KB per item, keys and all). */
export const ITEM_BUDGET = 300_000;

/** The bucket of a keyed digest (base64url): its first 8 bits as two hex digits (256 buckets). */
export function bucketOf(digest: string): string {
  const first = Buffer.from(digest.slice(0, 2), 'base64url')[0] ?? 0;
  return first.toString(16).padStart(2, '0');
}

/** The group of a payment record: one page (or its chunks) per group. */
export interface PaymentGroup {
  readonly period: string;
  readonly township: string;
  readonly village: string;
  readonly program: string;
}

/** The identity of a group (as a map key). */
export function groupId(g: PaymentGroup): string {
  return `${g.period}|${g.township}|${g.village}|${g.program}`;
}

/** The identity of a payment record within the projections (its group and ref). */
export function paymentId(p: DisclosedPayment): string {
  return `${groupId(p)}|${p.ref}`;
}

/**
 * One chunk of a payment page: what the group's records share (program name, pay date, the
 * `{department}|{sheet}|` of their refs, as the first record has them) and the records.
 */
export interface PageChunk {
  readonly programName: string;
  readonly payDate: string | null;
  readonly refPrefix: string;
  /**
   * JSON `[[refRest, name, amount, payDate?, programName?], …]`: the pay date and program name
   * only where they differ from the chunk's.
   */
  readonly records: string;
  readonly count: number;
}

/** Split JSON texts into chunks of at most `budget` bytes (each text at least alone in one). */
function chunked(texts: readonly string[], budget: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 2;
  for (const text of texts) {
    const bytes = Buffer.byteLength(text) + 1;
    if (current.length > 0 && size + bytes > budget) {
      chunks.push(current);
      current = [];
      size = 2;
    }
    current.push(text);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The chunks of a group's page: its records in {@link paymentOrder}. */
export function packPage(records: readonly DisclosedPayment[], budget = ITEM_BUDGET): PageChunk[] {
  if (records.length === 0) return [];
  const sorted = [...records].sort(paymentOrder);
  const first = sorted[0] as DisclosedPayment;
  const { programName, payDate } = first;
  const head = first.ref.slice(0, first.ref.lastIndexOf('|') + 1);
  const refPrefix = sorted.every((p) => p.ref.startsWith(head)) ? head : '';
  const texts = sorted.map((p) => {
    const record: (string | number | null)[] = [p.ref.slice(refPrefix.length), p.name, p.amount];
    if (p.payDate !== payDate || p.programName !== programName) record.push(p.payDate);
    if (p.programName !== programName) record.push(p.programName);
    return JSON.stringify(record);
  });
  return chunked(texts, budget).map((texts) => ({
    programName,
    payDate,
    refPrefix,
    records: `[${texts.join(',')}]`,
    count: texts.length,
  }));
}

type PageRecord = [string, string, number, (string | null)?, string?];

/** The records of a page chunk of `group`. */
export function unpackPage(group: PaymentGroup, chunk: Omit<PageChunk, 'count'>): DisclosedPayment[] {
  return (JSON.parse(chunk.records) as PageRecord[]).map(
    (r): DisclosedPayment => ({
      ref: chunk.refPrefix + r[0],
      name: r[1],
      township: group.township,
      village: group.village,
      program: group.program,
      programName: r[4] ?? chunk.programName,
      amount: r[2],
      payDate: r.length > 3 ? (r[3] as string | null) : chunk.payDate,
      period: group.period,
    }),
  );
}

/** Whether two chunks of a page are the same item. */
export function samePageChunk(a: PageChunk | undefined, b: PageChunk): boolean {
  return (
    a !== undefined &&
    a.records === b.records &&
    a.programName === b.programName &&
    a.payDate === b.payDate &&
    a.refPrefix === b.refPrefix
  );
}

/** One chunk of a digest bucket. */
export interface BucketChunk {
  /** JSON object: digest → what is filed under it. */
  readonly data: string;
  /** Chunk 0 only, when there are more: the first digest of chunks 1, 2, … */
  readonly bounds?: readonly string[];
  /** Person buckets: JSON array of the strings their records refer to by index. */
  readonly dict?: string;
}

/** Whether two chunks of a bucket are the same item. */
export function sameChunk(a: BucketChunk | undefined, b: BucketChunk): boolean {
  return (
    a !== undefined &&
    a.data === b.data &&
    a.dict === b.dict &&
    JSON.stringify(a.bounds) === JSON.stringify(b.bounds)
  );
}

/** The chunks of a bucket's entries (digest → value), sorted by digest. */
export function packBucket(entries: ReadonlyMap<string, unknown>, budget = ITEM_BUDGET): BucketChunk[] {
  const digests = [...entries.keys()].sort();
  const texts = digests.map((d) => `${JSON.stringify(d)}:${JSON.stringify(entries.get(d))}`);
  let at = 0;
  const firsts: string[] = [];
  const chunks = chunked(texts, budget).map((part) => {
    firsts.push(digests[at] as string);
    at += part.length;
    return `{${part.join(',')}}`;
  });
  return chunks.map((data, i) =>
    i === 0 && chunks.length > 1 ? { data, bounds: firsts.slice(1) } : { data },
  );
}

/** Which chunk of a bucket holds `digest`, from chunk 0's `bounds`. */
export function chunkOf(bounds: readonly string[] | undefined, digest: string): number {
  let i = 0;
  while (bounds && i < bounds.length && (bounds[i] as string) <= digest) i++;
  return i;
}

/** A bucket's entries, from all its chunks. */
export function unpackBucket<T>(chunks: readonly Pick<BucketChunk, 'data'>[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const c of chunks)
    for (const [k, v] of Object.entries(JSON.parse(c.data) as Record<string, T>)) out.set(k, v);
  return out;
}

/**
 * A person's payment as filed in their bucket: `[period, township, village, program,
 * programName, amount, payDate, ref, name]`, the program name `0` when it is the catalogue's.
 */
type PersonRecord = [string, string, string, string, string | 0, number, string | null, string, string];

export function personRecord(p: DisclosedPayment): PersonRecord {
  const name = p.programName === programNameOf(p.program) ? 0 : p.programName;
  return [p.period, p.township, p.village, p.program, name, p.amount, p.payDate, p.ref, p.name];
}

export function fromPersonRecord(person: string, r: PersonRecord): DisclosedPayment {
  const [period, township, village, program, programName, amount, payDate, ref, name] = r;
  return {
    ref,
    name,
    township,
    village,
    program,
    programName: programName === 0 ? programNameOf(program) : programName,
    amount,
    payDate,
    period,
    person,
  };
}

/** The projection identity of a filed payment (as {@link paymentId}). */
export function personRecordId(r: PersonRecord): string {
  return `${r[0]}|${r[1]}|${r[2]}|${r[3]}|${r[7]}`;
}

export type { PersonRecord };

/** Person buckets: each person's filed payments, by projection identity. */
export type PersonFiles = Map<string, Map<string, PersonRecord>>;

/**
 * Apply removals and puts to the persons of one bucket (`files`, changed in place); answers
 * whether anything changed.
 */
export function applyPersonChanges(
  files: PersonFiles,
  remove: readonly DisclosedPayment[],
  put: readonly DisclosedPayment[],
): void {
  for (const p of remove) {
    if (!p.person) continue;
    const mine = files.get(p.person);
    mine?.delete(paymentId(p));
    if (mine?.size === 0) files.delete(p.person);
  }
  for (const p of put) {
    if (!p.person) continue;
    const mine = files.get(p.person) ?? new Map<string, PersonRecord>();
    mine.set(paymentId(p), personRecord(p));
    files.set(p.person, mine);
  }
}

/** The stored form of person files: each person's records sorted by identity. */
export function personEntries(files: PersonFiles): Map<string, PersonRecord[]> {
  const out = new Map<string, PersonRecord[]>();
  for (const [person, records] of files)
    out.set(
      person,
      [...records.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r),
    );
  return out;
}

/** A filed payment as stored: its repeated strings as dictionary indexes (`-1`: none). */
type StoredPersonRecord = [number, number, number, number, number, number, number, number, string, string];

/**
 * A person bucket's chunks. Records repeat their months, places, programs, pay dates and
 * `{department}|{sheet}|` heads of refs: those are stored once per bucket (`dict`, in every
 * chunk) and records refer to them by index — a filed payment is ≈ 45 bytes instead of ≈ 120.
 */
export function packPersons(files: PersonFiles, budget = ITEM_BUDGET): BucketChunk[] {
  const dict = new Map<string, number>();
  const code = (text: string) => {
    let i = dict.get(text);
    if (i === undefined) {
      i = dict.size;
      dict.set(text, i);
    }
    return i;
  };
  const entries = new Map<string, StoredPersonRecord[]>();
  const persons = personEntries(files);
  for (const person of [...persons.keys()].sort())
    entries.set(
      person,
      (persons.get(person) ?? []).map(
        ([period, township, village, program, programName, amount, payDate, ref, name]) => {
          const cut = ref.lastIndexOf('|') + 1;
          return [
            code(period),
            code(township),
            code(village),
            code(program),
            programName === 0 ? -1 : code(programName),
            amount,
            payDate === null ? -1 : code(payDate),
            code(ref.slice(0, cut)),
            ref.slice(cut),
            name,
          ];
        },
      ),
    );
  const text = JSON.stringify([...dict.keys()]);
  return packBucket(entries, budget - Buffer.byteLength(text)).map((chunk) => ({ ...chunk, dict: text }));
}

/** The persons' records of a person bucket's chunks. */
export function unpackPersons(chunks: readonly BucketChunk[]): Map<string, PersonRecord[]> {
  const out = new Map<string, PersonRecord[]>();
  for (const chunk of chunks) {
    const dict = JSON.parse(chunk.dict ?? '[]') as string[];
    const at = (i: number) => dict[i] as string;
    for (const [person, records] of unpackBucket<StoredPersonRecord[]>([chunk]))
      out.set(
        person,
        records.map(
          ([period, township, village, program, programName, amount, payDate, head, tail, name]) => [
            at(period),
            at(township),
            at(village),
            at(program),
            programName === -1 ? 0 : at(programName),
            amount,
            payDate === -1 ? null : at(payDate),
            at(head) + tail,
            name,
          ],
        ),
      );
  }
  return out;
}

/** Person files from stored entries. */
export function personFiles(entries: ReadonlyMap<string, PersonRecord[]>): PersonFiles {
  const out: PersonFiles = new Map();
  for (const [person, records] of entries)
    out.set(person, new Map(records.map((r) => [personRecordId(r), r])));
  return out;
}

/** A lookup entry as filed in its bucket: `[person, ...household]`. */
export function lookupValue(e: LookupEntry): string[] {
  return [e.person, ...e.household];
}

export function fromLookupValue(key: string, value: readonly string[]): LookupEntry {
  const [person = '', ...household] = value;
  return { key, person, household };
}

/** Group records by a key. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The totals item of a (scope, program, grouping) within a year: what one public read needs. */
export function totalsGroupId(c: Pick<TotalsCell, 'scope' | 'program' | 'by'>): string {
  return `${c.scope}#${c.program}#${c.by}`;
}

type TotalsRecord = [string, string, number, number, number];

/**
 * A year's totals packed per (scope, program, grouping): group id → JSON of its cells sorted by
 * key. A group has at most one cell per month, township, village or program of the county (a
 * county of 1,000 villages: ≈ 60 KB), so it is never chunked.
 */
export function packTotals(cells: readonly TotalsCell[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, list] of groupBy(cells, totalsGroupId)) {
    const sorted = [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    out.set(
      id,
      JSON.stringify(sorted.map((c): TotalsRecord => [c.key, c.label, c.amount, c.recipients, c.payments])),
    );
  }
  return out;
}

/** The cells of a packed totals group. */
export function unpackTotals(
  year: string,
  g: { scope: string; program: string; by: TotalsBy },
  text: string,
): TotalsCell[] {
  return (JSON.parse(text) as TotalsRecord[]).map(([key, label, amount, recipients, payments]) => ({
    year,
    scope: g.scope,
    program: g.program,
    by: g.by,
    key,
    label,
    amount,
    recipients,
    payments,
  }));
}

/**
 * The order and identity of a household, project or finance item within its page group (a
 * village, a village year): by ref, finance items by date first.
 */
export function recordOrder(r: { readonly ref: string; readonly date?: string }): string {
  return r.date === undefined ? r.ref : `${r.date}|${r.ref}`;
}

/** Records (already in order) as chunks of JSON arrays within the budget. */
export function packRecords(records: readonly unknown[], budget = ITEM_BUDGET): string[] {
  return chunked(
    records.map((r) => JSON.stringify(r)),
    budget,
  ).map((texts) => `[${texts.join(',')}]`);
}

/** The records of a chunk item (`records`: a JSON array). */
export function unpackRecords<T>(item: { readonly records?: unknown }): T[] {
  return JSON.parse(String(item.records)) as T[];
}

/** The page group of a household or project (its village) or finance item (its village year). */
export function recordGroup(r: {
  readonly township: string;
  readonly village: string;
  readonly date?: string;
}): string {
  return r.date === undefined
    ? `${r.township}|${r.village}|`
    : `${r.township}|${r.village}|${r.date.slice(0, 4)}`;
}
