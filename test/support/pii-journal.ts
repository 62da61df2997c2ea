/**
 * The PII journal of the integration tests: one folder (`JIANDU_PII_JOURNAL`, made by
 * `test/integration/pii-journal.setup.ts`) into which every platform the tests start appends
 * its log lines (`JIANDU_FUNCTION_LOG`: the functions' structured JSON logs and the platform's
 * own lines) and every test process appends the public responses it received. At the end of
 * the run the whole journal is scanned (`scanJournal`): no ID number, registry name, phone or
 * receipt code may be anywhere in it.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PiiMarkers, piiIn } from './pii-scan.js';

/** The journal folder of this run (set by the integration projects' global setup). */
export const JOURNAL_ENV = 'JIANDU_PII_JOURNAL';

/** One public response as the journal keeps it. */
export interface JournalResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: string;
}

/** Routes anyone may call: what the public sees. */
export function isPublicPath(path: string): boolean {
  return /^\/api\/v1\/(public\/|health$|programs$|rules$)/.test(path);
}

/** The filing answer hands the reporter their own receipt code: the one place a code may be. */
function isFiling(r: JournalResponse): boolean {
  return r.method === 'POST' && r.path === '/api/v1/public/reports';
}

/**
 * Record every public response this process receives through `fetch` into the journal (a
 * vitest setup file of the integration projects installs it). Other responses pass untouched.
 */
export function tapPublicResponses(dir: string): void {
  const original = globalThis.fetch;
  const file = join(dir, `public-${process.pid}.jsonl`);
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await original(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (isPublicPath(url.pathname)) {
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const body = await response.clone().text();
      const entry: JournalResponse = { method, path: url.pathname, status: response.status, body };
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
    }
    return response;
  };
}

/** Receipt codes the platform issued during the run (from the filing answers in the journal). */
function issuedCodes(responses: readonly JournalResponse[]): string[] {
  const codes = new Set<string>();
  for (const r of responses) {
    if (!isFiling(r)) continue;
    for (const m of r.body.matchAll(/"receiptCode"\s*:\s*"([^"]+)"/g)) if (m[1]) codes.add(m[1]);
  }
  return [...codes];
}

/** What the scan found: where, and which PII. */
export interface JournalFinding {
  readonly where: string;
  readonly found: readonly string[];
}

/**
 * Scan every file of the journal: each public response body (the filing answer may carry its
 * own receipt code, nothing else) and each log line, for ID numbers, phones, `names` and every
 * receipt code issued during the run. Returns the findings (empty when clean) and what was read.
 */
export function scanJournal(
  dir: string,
  names: readonly string[],
): { findings: JournalFinding[]; responses: number; logLines: number } {
  const responses: JournalResponse[] = [];
  const logLines: { file: string; line: string }[] = [];
  for (const file of readdirSync(dir).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
    if (file.startsWith('public-'))
      for (const line of lines) responses.push(JSON.parse(line) as JournalResponse);
    else for (const line of lines) logLines.push({ file, line });
  }
  const receiptCodes = issuedCodes(responses);
  const markers: PiiMarkers = { names, receiptCodes };
  const findings: JournalFinding[] = [];
  for (const r of responses) {
    const found = piiIn(r.body, isFiling(r) ? { names, receiptCodes: [] } : markers);
    if (found.length > 0) findings.push({ where: `${r.method} ${r.path} → ${r.status}`, found });
  }
  for (const { file, line } of logLines) {
    const found = piiIn(line, markers);
    if (found.length > 0) findings.push({ where: `${file}: ${line.slice(0, 300)}`, found });
  }
  return { findings, responses: responses.length, logLines: logLines.length };
}
