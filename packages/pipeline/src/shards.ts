import { createHash } from 'node:crypto';
import { type DatasetKind, kindOf } from '@jiandu/domain/kinds';
import type { NormalizedRow } from '@jiandu/domain/model';

/**
 * Normalized rows are stored in ID-hash shards so the match stage can fan out: every row
 * of one person lands in the same shard number in every version, whatever its kind. This is
 * how many stored shards Normalize writes per version (`shardRows.length` of the version).
 *
 * Stored and run shard counts are powers of two and a row's shard is its hash modulo the
 * count, so the two layouts nest: with S run shards and N stored ones, run shard k is exactly
 * the stored shards b with b % S = k when S ≤ N (whole files, nothing filtered), and the rows
 * of stored shard k % N whose own hash gives k when S > N (see {@link storedShardsOf}). Any
 * run shard count therefore reads every version, whatever count it was written with: one
 * object per stored shard keeps a small county's object count small, a run of a big county
 * fans out further without rewriting its versions.
 */
export const SHARD_COUNT = 16;

/**
 * Where rows whose ID a spreadsheet destroyed are kept. They can only be matched by name +
 * village against the registry, which the plan step does once per run; keeping them in one
 * known shard lets it read just that shard of the big append kinds instead of all of them.
 */
export const LOST_ID_SHARD = 0;

/** The shard of a text key (an ID number, a village, …) among `count` shards (a power of two). */
export function hashToShard(text: string, count: number = SHARD_COUNT): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % count;
}

/** Whether `n` is a power of two (1, 2, 4, …): shard counts must be, so that layouts nest. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/**
 * What run shard `shard` of `runShards` reads of a version stored in `storedShards` shards:
 * the stored shard numbers, and whether each row must still be checked with
 * {@link shardOf}`(row, kind, runShards)` against `filter` (only when the run has more shards
 * than the version).
 */
export function storedShardsOf(
  shard: number,
  runShards: number,
  storedShards: number,
): { readonly shards: readonly number[]; readonly filter?: { readonly shard: number; readonly of: number } } {
  if (!isPowerOfTwo(runShards) || !isPowerOfTwo(storedShards))
    throw new Error(`Shard counts must be powers of two (run ${runShards}, stored ${storedShards})`);
  if (runShards > storedShards) return { shards: [shard % storedShards], filter: { shard, of: runShards } };
  const shards: number[] = [];
  for (let b = shard; b < storedShards; b += runShards) shards.push(b);
  return { shards };
}

/** How a run's shard count follows the data: rows in force per shard, within bounds (powers of two). */
export interface ShardSizing {
  /** Rows in force (all versions the run reads) one shard should hold at most, as far as `maxShards` allows. */
  readonly rowsPerShard: number;
  readonly minShards: number;
  readonly maxShards: number;
}

/**
 * Default sizing: ≈ 250,000 rows (≈ 60,000 persons, ≈ 80 MB of NDJSON) per shard, 2 to 16
 * shards — 2 so that a small county still uses both workers of a 2-core host, 16 because
 * versions are stored in {@link SHARD_COUNT} shards (more run shards read whole stored shards
 * and filter them).
 */
export const DEFAULT_SHARD_SIZING: ShardSizing = { rowsPerShard: 250_000, minShards: 2, maxShards: 16 };

/** The run's shard count for `rows` rows in force: the smallest power of two giving ≤ `rowsPerShard` each, clamped. */
export function shardCountFor(rows: number, sizing: ShardSizing = DEFAULT_SHARD_SIZING): number {
  let count = 1;
  while (count < sizing.maxShards && rows > count * sizing.rowsPerShard) count *= 2;
  return Math.min(sizing.maxShards, Math.max(sizing.minShards, count));
}

/**
 * The shard of a row of `kind`:
 * - a row with an ID: by the ID, so all of a person's rows meet in one shard;
 * - a row whose ID was lost: {@link LOST_ID_SHARD} (the plan step routes it to its person's shard);
 * - any other row: by the kind's name column + village. Village-finance rows have no name
 *   column, so every row of one village lands in one shard — which is what the village rules
 *   (R09–R11) need — and a project row stays in one shard for R12.
 */
export function shardOf(row: NormalizedRow, kind: DatasetKind, count: number = SHARD_COUNT): number {
  if (row.idNumber) return hashToShard(row.idNumber, count);
  if (row.idStatus === 'lost') return LOST_ID_SHARD;
  const nameColumn = kindOf(kind).nameColumn;
  const name = (nameColumn === undefined ? undefined : row.values[nameColumn]) ?? '';
  return hashToShard(`${String(name)}|${String(row.values.village ?? '')}`, count);
}

/**
 * The dataset a version belongs to, for ordering rows of different versions: its kind, its
 * department and what it covers (CONTRACT.md §4). A corrected file replacing a version covers
 * what the replaced one covered, so its rows take the replaced rows' place among the other
 * versions' rows (a version id is a hash of the bytes: sorting by it would move them), and a
 * shard's findings depend on nothing of the new version but its content.
 */
export function datasetKeyOf(v: {
  readonly kind: DatasetKind;
  readonly department: string;
  readonly coverage: readonly string[];
}): string {
  const coverage = createHash('sha256')
    .update([...v.coverage].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `${v.kind}|${v.department}|${coverage}`;
}

/** Data-bucket key of one shard of a version. */
export function shardKey(versionId: string, shard: number): string {
  return `versions/${versionId}/shards/${String(shard).padStart(2, '0')}.ndjson`;
}

/** Data-bucket key of a version's rejected-rows file. */
export function rejectsKey(versionId: string): string {
  return `versions/${versionId}/rejects.csv`;
}

/** Data-bucket key of a run's manifest. */
export function manifestKey(runId: string): string {
  return `runs/${runId}/manifest.json`;
}

/**
 * Data-bucket keys of what the plan step derives only from versions (content-addressed by a
 * digest of exactly its inputs, so that a later run whose inputs digest the same reads it
 * instead of deriving it again; never deleted or changed once written):
 * - `cut`: a reference cut, its summary (written last) and one file per shard of the rows sent there;
 * - `lostIds`: a version's lost-ID rows found by name + village in one registry;
 * - `names`: one registry's name + village index.
 */
export const derivedKeys = {
  cut: (digest: string) => `derived/cuts/${digest}/cut.json`,
  cutPart: (digest: string, shard: number) =>
    `derived/cuts/${digest}/${String(shard).padStart(2, '0')}.ndjson`,
  lostIds: (digest: string) => `derived/lost-ids/${digest}.ndjson`,
  names: (digest: string) => `derived/names/${digest}.tsv`,
  /** A shard's match of one rule: which run found what under inputs of this fingerprint (`match-reuse.ts`). */
  match: (fingerprint: string) => `derived/matches/${fingerprint}.json`,
} as const;

/** Data-bucket key of the rows the plan step routed to one shard (lost IDs found by name + village). */
export function routedKey(runId: string, shard: number): string {
  return `runs/${runId}/routed/${String(shard).padStart(2, '0')}.ndjson`;
}

/** Data-bucket key of the findings of one shard of a run. */
export function findingsKey(runId: string, shard: number): string {
  return `runs/${runId}/findings/${String(shard).padStart(2, '0')}.json`;
}

/** Rows as newline-delimited JSON, one shard file. */
export function encodeRows<R extends NormalizedRow>(rows: readonly R[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n');
}

/** The rows of a whole NDJSON text (small objects; big ones stream, {@link decodeRowStream}). */
export function decodeRows(text: string): NormalizedRow[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as NormalizedRow);
}

/**
 * The rows of an NDJSON object as its bytes arrive, one parsed row at a time: the whole text
 * is never held, whatever the object's size. Exact whatever the chunking (a chunk may end
 * inside a line or inside a character's bytes). `wanted`, when given, sees each line first:
 * lines it turns down are not parsed (a cheap test on the text that must accept every line of
 * a row the caller keeps).
 */
export async function* decodeRowStream(
  chunks: AsyncIterable<Uint8Array>,
  wanted?: (line: string) => boolean,
): AsyncGenerator<NormalizedRow> {
  for await (const rows of decodeRowBatches(chunks, wanted)) yield* rows;
}

/**
 * {@link decodeRowStream} a chunk's rows at a time: what a reader of many rows iterates, so that
 * it waits once per chunk rather than once per row.
 */
export async function* decodeRowBatches(
  chunks: AsyncIterable<Uint8Array>,
  wanted?: (line: string) => boolean,
): AsyncGenerator<NormalizedRow[]> {
  for await (const lines of decodeLineBatches(chunks)) {
    const rows: NormalizedRow[] = [];
    for (const line of lines) if (!wanted || wanted(line)) rows.push(JSON.parse(line) as NormalizedRow);
    if (rows.length > 0) yield rows;
  }
}

/**
 * Which stored lines a reader wants, told by one top-level text field of each line and tested on
 * the line's bytes: no other line is decoded or parsed (at 1,000,000 persons, decoding the
 * registry's text cost more than parsing the few rows a pass keeps). `JSON.stringify` writes the
 * field as exactly `"key":"value"`, and a quote inside any value is escaped, so the key's text
 * is found nowhere else (no column is named like a top-level field).
 */
export interface LineField {
  /** The top-level field (`idNumber`, `idStatus`). */
  readonly key: string;
  /**
   * Whether a line whose field has this value is wanted (its text up to the next quote, its bytes
   * read as Latin-1: exact for the ASCII values of IDs and statuses); a line without the field
   * as text (absent, `null`) never is.
   */
  readonly wanted: (value: string) => boolean;
}

const LINE_BREAK = 0x0a;
const QUOTE = 0x22;

/**
 * The rows of the lines of an NDJSON object that `field` wants, as its bytes arrive, a chunk's
 * rows at a time ({@link decodeRowBatches} with a line test, but the other lines are never
 * decoded). Exact whatever the chunking.
 */
export async function* decodeRowBatchesWhere(
  chunks: AsyncIterable<Uint8Array>,
  field: LineField,
): AsyncGenerator<NormalizedRow[]> {
  const pattern = Buffer.from(`"${field.key}":"`);
  for await (const bytes of completeLines(chunks)) {
    const rows: NormalizedRow[] = [];
    for (let at = bytes.indexOf(pattern); at !== -1; ) {
      const lineStart = bytes.lastIndexOf(LINE_BREAK, at) + 1;
      let lineEnd = bytes.indexOf(LINE_BREAK, at);
      if (lineEnd === -1) lineEnd = bytes.length;
      const start = at + pattern.length;
      const close = bytes.indexOf(QUOTE, start);
      if (close !== -1 && close < lineEnd && field.wanted(bytes.toString('latin1', start, close)))
        rows.push(JSON.parse(bytes.toString('utf8', lineStart, lineEnd)) as NormalizedRow);
      at = lineEnd === bytes.length ? -1 : bytes.indexOf(pattern, lineEnd + 1);
    }
    if (rows.length > 0) yield rows;
  }
}

/**
 * A stored row read without parsing its line ({@link decodeRowSketches}): its top-level fields
 * (`row`, `sheet`, `idNumber`, `idStatus`, `identifiedBy`) and only the asked columns of its
 * values, each exactly as `JSON.parse` of the line has it; `whole()` parses the line (only while
 * its batch is read: the bytes may be a stream's chunk).
 */
export interface RowSketch {
  readonly row: NormalizedRow;
  whole(): NormalizedRow;
}

const TOP_LEVEL = ['row', 'sheet', 'idNumber', 'idStatus', 'identifiedBy'] as const;
const BACKSLASH = 0x5c;

/**
 * The rows of an NDJSON object as sketches ({@link RowSketch}) as its bytes arrive, a chunk's
 * at a time, for a pass over many rows that reads a few columns of each and keeps few whole:
 * the lines are never decoded or parsed whole unless asked for (at 1,000,000 persons, decoding
 * and parsing every registry line cost the plan more than everything it does with them). A
 * field is found by its key's text (`"key":`): `JSON.stringify` escapes every quote inside a
 * text, so the text of a key is found nowhere else, and top-level fields and columns are named
 * apart (camelCase, snake_case). A line with a value the sketch does not read exactly (an escape
 * in a text, a number or boolean column) is parsed whole instead, so every sketch is exact.
 */
export async function* decodeRowSketches(
  chunks: AsyncIterable<Uint8Array>,
  columns: readonly string[],
): AsyncGenerator<RowSketch[]> {
  const top = TOP_LEVEL.map((key) => Buffer.from(key));
  const asked = columns.map((key) => Buffer.from(key));
  for await (const bytes of completeLines(chunks)) {
    const sketches: RowSketch[] = [];
    for (let at = 0; at < bytes.length; ) {
      const start = at;
      const found = bytes.indexOf(LINE_BREAK, start);
      const end = found === -1 ? bytes.length : found;
      at = end + 1;
      if (end > start) {
        const whole = () => JSON.parse(bytes.toString('utf8', start, end)) as NormalizedRow;
        const row = sketchOf(bytes, start, end, top, asked, columns);
        if (row) sketches.push({ row, whole });
        else {
          // Not a line the sketch reads exactly: parsed whole, as its sketch too.
          const parsed = whole();
          sketches.push({ row: parsed, whole: () => parsed });
        }
      }
    }
    if (sketches.length > 0) yield sketches;
  }
}

/** Which of `keys` the key `bytes[from, to)` is, -1 for none. */
function keyIndex(bytes: Buffer, from: number, to: number, keys: readonly Buffer[]): number {
  const length = to - from;
  for (let k = 0; k < keys.length; k += 1) {
    const key = keys[k] as Buffer;
    if (key.length !== length) continue;
    let i = 0;
    while (i < length && key[i] === bytes[from + i]) i += 1;
    if (i === length) return k;
  }
  return -1;
}

/**
 * The sketch of the line `bytes[start, end)` (an object of scalars and one object of scalars,
 * `values`, as `JSON.stringify` writes a row), scanned byte by byte; `undefined` when a value
 * it reads is not a text without escapes, `null`, or (`row`) a non-negative integer.
 */
function sketchOf(
  bytes: Buffer,
  start: number,
  end: number,
  top: readonly Buffer[],
  asked: readonly Buffer[],
  columns: readonly string[],
): NormalizedRow | undefined {
  const row: Record<string, unknown> = {};
  const values: Record<string, string | null> = {};
  let inValues = false;
  let i = start;
  if (bytes[i] !== OPEN_BRACE) return undefined;
  i += 1;
  while (i < end) {
    const byte = bytes[i];
    if (byte === CLOSE_BRACE) {
      if (!inValues) break;
      inValues = false;
      i += 1;
      continue;
    }
    if (byte === COMMA) {
      i += 1;
      continue;
    }
    if (byte !== QUOTE) return undefined;
    // A key (no escapes in the keys of a row), then its value.
    const keyStart = i + 1;
    let keyEnd = keyStart;
    while (keyEnd < end && bytes[keyEnd] !== QUOTE) {
      if (bytes[keyEnd] === BACKSLASH) return undefined;
      keyEnd += 1;
    }
    if (bytes[keyEnd + 1] !== COLON) return undefined;
    const k = keyIndex(bytes, keyStart, keyEnd, inValues ? asked : top);
    i = keyEnd + 2;
    const first = bytes[i];
    if (first === QUOTE) {
      let close = i + 1;
      let escaped = false;
      while (close < end && bytes[close] !== QUOTE) {
        if (bytes[close] === BACKSLASH) {
          escaped = true;
          close += 1;
        }
        close += 1;
      }
      if (close >= end) return undefined;
      if (k !== -1) {
        if (escaped) return undefined;
        const text = bytes.toString('utf8', i + 1, close);
        if (inValues) values[columns[k] as string] = text;
        else row[TOP_LEVEL[k] as string] = text;
      }
      i = close + 1;
    } else if (first === OPEN_BRACE) {
      // The one nested object of a row: its values.
      if (inValues || keyIndex(bytes, keyStart, keyEnd, [VALUES]) !== 0) return undefined;
      inValues = true;
      i += 1;
    } else {
      // A number, `null`, `true` or `false`: up to the next comma or brace.
      let after = i;
      let n = 0;
      let digits = true;
      while (after < end && bytes[after] !== COMMA && bytes[after] !== CLOSE_BRACE) {
        const b = bytes[after] as number;
        if (b >= 0x30 && b <= 0x39) n = n * 10 + (b - 0x30);
        else digits = false;
        after += 1;
      }
      if (k !== -1) {
        const isNull = after - i === 4 && first === 0x6e;
        if (isNull) {
          if (inValues) values[columns[k] as string] = null;
          else row[TOP_LEVEL[k] as string] = null;
        } else if (!inValues && TOP_LEVEL[k] === 'row' && digits && after > i && after - i < 16) row.row = n;
        else return undefined;
      }
      i = after;
    }
  }
  row.values = values;
  return row as unknown as NormalizedRow;
}

const VALUES = Buffer.from('values');
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * The UTF-8 text of stored bytes, decoded where they are: `Buffer.from(bytes)` would copy them
 * first, and fresh memory is most of what a copy of tens of megabytes costs.
 */
export function utf8Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * The bytes of an object's complete lines as they arrive (a line is never split between two).
 * A chunk's lines are yielded where they are, not copied: only the line that straddles two
 * chunks is put together (copying every chunk behind the leftover of the one before cost the
 * plan seconds at 1,000,000 persons, fresh memory being what a copy mostly costs here).
 */
async function* completeLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let rest: Buffer | undefined;
  for await (const chunk of chunks) {
    const arrived = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = arrived.lastIndexOf(LINE_BREAK);
    if (end === -1) {
      // No line ends in this chunk: all of it belongs to the line still open.
      rest = rest ? Buffer.concat([rest, arrived]) : Buffer.from(arrived);
      continue;
    }
    let from = 0;
    if (rest && rest.length > 0) {
      from = arrived.indexOf(LINE_BREAK) + 1;
      yield Buffer.concat([rest, arrived.subarray(0, from - 1)]);
    }
    if (end > from) yield arrived.subarray(from, end);
    // What follows the last line break, copied (a stream may reuse its chunk's memory).
    rest = Buffer.from(arrived.subarray(end + 1));
  }
  if (rest && rest.length > 0) yield rest;
}

/**
 * The non-empty lines of a UTF-8 text object as its bytes arrive, a chunk's complete lines at a
 * time. Exact whatever the chunking (a chunk may end inside a line or inside a character's bytes).
 */
export async function* decodeLineBatches(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) lines.push(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  rest += decoder.decode();
  if (rest.length > 0) yield [rest];
}
