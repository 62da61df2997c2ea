import type { LookupEntry } from '@jiandu/domain/disclosure/lookup';
import type { DisclosedPayment } from '@jiandu/domain/disclosure/records';

/**
 * How the disclosure projections are packed into few items (`keys.ts`), shared by the DynamoDB
 * adapter and its in-memory twin so both write (and count) the same items:
 *
 * - a **payment page** holds the records of one (month, township, village, program) group,
 *   sorted by ref, as one compact JSON string; a group whose records pass {@link ITEM_BUDGET}
 *   bytes is split into numbered chunks (DynamoDB's item limit is 400 KB);
 * - a **digest bucket** holds what is filed under keyed digests (a person's payments, lookup
 *   entries) for every digest starting with the same {@link BUCKET_DIGITS} hex digits, sorted
 *   by digest and chunked the same way; chunk 0 lists the first digest of every further chunk
 *   (`bounds`), so a reader knows which chunk holds a digest after reading chunk 0.
 *
 * Bucket count: 4,096. At 1,000,000 persons (≈ 3 M payments a year, ≈ 1 M lookup entries) a
 * person bucket holds ≈ 730 persons' payments (≈ 90 KB a year, a 3-year window ≈ 270 KB)
 * and a lookup bucket ≈ 250 entries (≈ 60 KB): one chunk each, chunking only past that.
 */

/** Bytes of packed records per item at most (DynamoDB's limit is 400 KB per item, keys and all). */
export const ITEM_BUDGET = 300_000;

/** Hex digits of a digest that name its bucket: 16³ = 4,096 buckets. */
export const BUCKET_DIGITS = 3;

/** The bucket of a keyed digest (hex). */
export function bucketOf(digest: string): string {
  return digest.slice(0, BUCKET_DIGITS);
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

const byRef = (a: DisclosedPayment, b: DisclosedPayment) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);

/** One chunk of a payment page: the group's program name (as most rows write it) and its records. */
export interface PageChunk {
  readonly programName: string;
  /** JSON `[[ref, name, amount, payDate, programName?], …]` (the name only where it differs). */
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

/** The chunks of a group's page: its records sorted by ref. */
export function packPage(records: readonly DisclosedPayment[], budget = ITEM_BUDGET): PageChunk[] {
  if (records.length === 0) return [];
  const sorted = [...records].sort(byRef);
  const programName = (sorted[0] as DisclosedPayment).programName;
  const texts = sorted.map((p) =>
    JSON.stringify(
      p.programName === programName
        ? [p.ref, p.name, p.amount, p.payDate]
        : [p.ref, p.name, p.amount, p.payDate, p.programName],
    ),
  );
  return chunked(texts, budget).map((texts) => ({
    programName,
    records: `[${texts.join(',')}]`,
    count: texts.length,
  }));
}

type PageRecord = [string, string, number, string | null, string?];

/** The records of a page chunk of `group`. */
export function unpackPage(group: PaymentGroup, chunk: Pick<PageChunk, 'programName' | 'records'>) {
  return (JSON.parse(chunk.records) as PageRecord[]).map(
    ([ref, name, amount, payDate, programName]): DisclosedPayment => ({
      ref,
      name,
      township: group.township,
      village: group.village,
      program: group.program,
      programName: programName ?? chunk.programName,
      amount,
      payDate,
      period: group.period,
    }),
  );
}

/** One chunk of a digest bucket. */
export interface BucketChunk {
  /** JSON object: digest → what is filed under it. */
  readonly data: string;
  /** Chunk 0 only, when there are more: the first digest of chunks 1, 2, … */
  readonly bounds?: readonly string[];
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

/** A person's payment as filed in their bucket. */
type PersonRecord = [string, string, string, string, string, number, string | null, string, string];

export function personRecord(p: DisclosedPayment): PersonRecord {
  return [p.period, p.township, p.village, p.program, p.programName, p.amount, p.payDate, p.ref, p.name];
}

export function fromPersonRecord(person: string, r: PersonRecord): DisclosedPayment {
  const [period, township, village, program, programName, amount, payDate, ref, name] = r;
  return { ref, name, township, village, program, programName, amount, payDate, period, person };
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
