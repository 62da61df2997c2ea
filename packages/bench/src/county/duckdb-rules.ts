/**
 * The comparison the issue asks for: DuckDB (`@duckdb/node-api`) computing R01/R04/R06/R08
 * with plain SQL on the same files, joining on the raw ID strings as written — no 15-digit
 * upgrade, no full-width or lower-case `x` repair, no name + village fallback, no traditional
 * → simplified names. What an analyst with SQL does on day one, to set next to what
 * normalization and fallback find and cost.
 *
 * What it takes besides SQL, all timed with it:
 * - GBK/GB18030 files are decoded to UTF-8 first: DuckDB reads them only through its
 *   `encodings` extension, which is downloaded on first use (not available offline).
 * - XLSX files are skipped (DuckDB's `excel` extension is downloaded on first use too); the
 *   skipped files are listed.
 * - The header line is the first line naming an ID column (title rows above it), and columns
 *   are chosen by the header words of CONTRACT.md §2; amounts and dates are parsed in SQL.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Found } from '@jiandu/accuracy/compare';
import type { RuleCode } from '@jiandu/domain/model';

/** The rules computed in SQL. */
export const DUCKDB_RULES: readonly RuleCode[] = ['R01', 'R04', 'R06', 'R08'];

/** The kinds the four rules read. */
const KINDS = [
  'subsidy_payments',
  'death_records',
  'public_officials',
  'fiscal_payroll',
  'household_registry',
] as const;
type Kind = (typeof KINDS)[number];

/** The canonical columns of each kind, each found by the first header matching its pattern. */
const COLUMNS: Readonly<Record<Kind, Readonly<Record<string, RegExp>>>> = {
  subsidy_payments: {
    id: /身份证|证件号码|公民身份号码/,
    name: /姓名|领取人/,
    program: /项目名称|资金名称|补贴类别|补贴项目/,
    period: /所属期|发放月份|所属月份/,
    pay_date: /发放日期/,
    amount: /金额/,
  },
  death_records: { id: /身份证|证件号码|公民身份号码/, death_date: /死亡日期|注销日期/ },
  public_officials: {
    id: /身份证|证件号码|公民身份号码/,
    start_date: /任职日期|任职时间|入职/,
    end_date: /离职|免职|离任/,
  },
  fiscal_payroll: { id: /身份证|证件号码|公民身份号码/, period: /发放月份|所属期|工资月份/ },
  household_registry: { id: /身份证|证件号码|公民身份号码/, name: /姓名/, household_no: /户号/ },
};

/** A file the SQL could not use, and why. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** What the DuckDB run found and cost. */
export interface DuckDbRun {
  readonly found: Found[];
  readonly seconds: number;
  /** Of which decoding GBK files to UTF-8 for DuckDB. */
  readonly transcodeSeconds: number;
  readonly filesRead: number;
  readonly transcoded: number;
  readonly skipped: readonly SkippedFile[];
  /** Data rows loaded per kind. */
  readonly rows: Readonly<Record<string, number>>;
}

/** One input file: its kind (from `{department}/{kind}/`) and path. */
export interface InputFile {
  readonly kind: string;
  readonly path: string;
  /** For messages: the path under the upload folder. */
  readonly relativePath: string;
}

function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out.map((c) => c.trim());
}

const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const AMOUNT = (col: string) =>
  `CASE WHEN ${col} LIKE '%万%' THEN try_cast(regexp_replace(${col}, '[^0-9.]', '', 'g') AS DECIMAL(18,2)) * 10000 ` +
  `ELSE try_cast(regexp_replace(${col}, '[^0-9.-]', '', 'g') AS DECIMAL(18,2)) END`;
const DATE = (col: string) =>
  `try_strptime(trim(${col}), ['%Y-%m-%d','%Y/%m/%d','%Y%m%d','%Y年%m月%d日','%Y-%m','%Y/%m','%Y年%m月','%Y.%m','%Y%m'])::DATE`;

/** Program name as written → program code (CONTRACT.md §2's catalogue, by its words). */
const PROGRAM_CODE = `CASE
  WHEN program LIKE '%城市%低保%' OR program LIKE '%城市最低生活%' THEN 'DIBAO_URBAN'
  WHEN program LIKE '%低保%' OR program LIKE '%最低生活%' THEN 'DIBAO_RURAL'
  WHEN program LIKE '%特困%' OR program LIKE '%五保%' THEN 'TEKUN'
  WHEN program LIKE '%临时救助%' THEN 'LINSHI'
  WHEN program LIKE '%危房%' THEN 'WEIFANG'
  WHEN program LIKE '%残疾%' THEN 'CANJI'
  WHEN program LIKE '%高龄%' THEN 'GAOLING'
  WHEN program LIKE '%耕地%' THEN 'GENGDI'
  WHEN program LIKE '%移民%' THEN 'YIMIN'
  WHEN program LIKE '%雨露%' THEN 'YULU'
  ELSE coalesce(program, '') END`;

/**
 * Load one CSV into its kind's table: find the header line, pick the columns, let DuckDB's
 * `read_csv` read the rows after it. Returns a reason when the file can't be used.
 */
async function load(
  db: DuckDBConnection,
  kind: Kind,
  file: InputFile,
  scratch: string,
  counters: { transcodeMs: number; transcoded: number },
): Promise<string | undefined> {
  let path = file.path;
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const t0 = performance.now();
    text = new TextDecoder('gb18030').decode(bytes);
    path = join(scratch, `${counters.transcoded}.csv`);
    writeFileSync(path, text);
    counters.transcoded++;
    counters.transcodeMs += performance.now() - t0;
  }
  const lines = text.slice(0, 64 * 1024).split(/\r?\n/);
  const headerAt = lines
    .slice(0, 30)
    .findIndex((line) => cells(line.replace(/^\uFEFF/, '')).some((c) => COLUMNS[kind].id?.test(c)));
  if (headerAt < 0) return '前 30 行中没有身份证号列';
  const header = cells((lines[headerAt] as string).replace(/^\uFEFF/, ''));
  const chosen: string[] = [];
  for (const [column, pattern] of Object.entries(COLUMNS[kind])) {
    const at = header.findIndex((h) => pattern.test(h));
    chosen.push(at < 0 ? `NULL AS ${column}` : `c${at} AS ${column}`);
  }
  const types = header.map((_, i) => `'c${i}': 'VARCHAR'`).join(',');
  await db.run(
    `INSERT INTO ${kind} SELECT ${chosen.join(', ')} FROM read_csv(${sqlString(path)}, skip=${headerAt + 1}, header=false, ` +
      `delim=',', quote='"', escape='"', columns={${types}}, null_padding=true, ignore_errors=true, strict_mode=false)`,
  );
  return undefined;
}

/** The four rules in SQL over the loaded tables; one row per lead: rule, subject key, amount (fen). */
const RULES_SQL = `
WITH pay AS (
  SELECT id, name, ${PROGRAM_CODE} AS program, amount_yuan,
         date_trunc('month', coalesce(${DATE('period')}, ${DATE('pay_date')})) AS month
  FROM (SELECT *, ${AMOUNT('amount')} AS amount_yuan FROM subsidy_payments)
),
means_tested AS (SELECT * FROM pay WHERE program IN ('DIBAO_RURAL','DIBAO_URBAN','TEKUN','LINSHI','WEIFANG')),
deaths AS (SELECT id, min(date_trunc('month', ${DATE('death_date')})) AS death_month FROM death_records GROUP BY id),
r01 AS (
  SELECT 'R01' AS rule, p.id || '|' || p.program AS subject_key, sum(p.amount_yuan) AS amount
  FROM pay p JOIN deaths d ON p.id = d.id
  WHERE p.month >= d.death_month + INTERVAL 2 MONTH
  GROUP BY 1, 2
),
registry AS (SELECT id, any_value(name) AS name, any_value(household_no) AS household_no FROM household_registry GROUP BY id),
official_months AS (
  SELECT o.id, m.month FROM public_officials o, (SELECT DISTINCT month FROM means_tested) m
  WHERE ${DATE('o.start_date')} <= last_day(m.month)
    AND (o.end_date IS NULL OR trim(o.end_date) = '' OR ${DATE('o.end_date')} >= m.month)
  UNION
  SELECT id, date_trunc('month', ${DATE('period')}) FROM fiscal_payroll
),
official_households AS (
  SELECT DISTINCT r.household_no, om.month FROM official_months om JOIN registry r ON r.id = om.id
),
r04 AS (
  SELECT 'R04' AS rule, p.id || '|' || p.program AS subject_key, sum(p.amount_yuan) AS amount
  FROM means_tested p JOIN registry r ON r.id = p.id
  WHERE EXISTS (SELECT 1 FROM official_households oh WHERE oh.household_no = r.household_no AND oh.month = p.month)
  GROUP BY 1, 2
),
r06 AS (
  SELECT 'R06' AS rule, id || '|' || program || '|' || strftime(month, '%Y-%m') AS subject_key,
         sum(amount_yuan) - max(amount_yuan) AS amount
  FROM pay WHERE month IS NOT NULL AND regexp_full_match(id, '[0-9]{17}[0-9Xx]')
  GROUP BY id, program, month HAVING count(*) > 1
),
r08 AS (
  SELECT 'R08' AS rule, p.id || '|' || p.program AS subject_key, sum(p.amount_yuan) AS amount
  FROM pay p LEFT JOIN registry r ON r.id = p.id
  WHERE regexp_full_match(p.id, '[0-9]{17}[0-9Xx]')
    AND p.id NOT IN (SELECT id FROM deaths WHERE id IS NOT NULL)
    AND (r.id IS NULL OR r.name <> p.name)
  GROUP BY 1, 2
)
SELECT rule, subject_key, CAST(round(amount * 100) AS BIGINT) AS fen FROM (
  SELECT * FROM r01 UNION ALL SELECT * FROM r04 UNION ALL SELECT * FROM r06 UNION ALL SELECT * FROM r08
)`;

/** Run the four rules in DuckDB over `files` (other kinds are ignored); `scratch` holds decoded copies. */
export async function runDuckDbRules(files: readonly InputFile[], scratch: string): Promise<DuckDbRun> {
  const started = performance.now();
  mkdirSync(scratch, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    for (const kind of KINDS)
      await db.run(
        `CREATE TABLE ${kind} (${Object.keys(COLUMNS[kind])
          .map((c) => `${c} VARCHAR`)
          .join(', ')})`,
      );
    const skipped: SkippedFile[] = [];
    const counters = { transcodeMs: 0, transcoded: 0 };
    let filesRead = 0;
    for (const file of files) {
      if (!(KINDS as readonly string[]).includes(file.kind)) continue;
      if (!/\.(csv|txt)$/i.test(file.path)) {
        skipped.push({ file: file.relativePath, reason: 'XLSX: DuckDB 的 excel 扩展需联网下载，离线不可用' });
        continue;
      }
      const reason = await load(db, file.kind as Kind, file, scratch, counters);
      if (reason) skipped.push({ file: file.relativePath, reason });
      else filesRead++;
    }
    const rows: Record<string, number> = {};
    for (const kind of KINDS) {
      const count = await db.runAndReadAll(`SELECT count(*) FROM ${kind}`);
      rows[kind] = Number(count.getRows()[0]?.[0] ?? 0);
    }
    const result = await db.runAndReadAll(RULES_SQL);
    const found: Found[] = result.getRows().map(([rule, subjectKey, fen]) => ({
      rule: rule as RuleCode,
      subjectKey: String(subjectKey),
      amountFen: Number(fen),
      match: 'id',
      status: 'new',
    }));
    return {
      found,
      seconds: (performance.now() - started) / 1000,
      transcodeSeconds: counters.transcodeMs / 1000,
      filesRead,
      transcoded: counters.transcoded,
      skipped,
      rows,
    };
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(scratch, { recursive: true, force: true });
  }
}
