/**
 * The run-wide PII scan must be able to fail: leaks planted in a journal are found, a clean
 * journal passes, and the fetch tap records public responses only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNoPii } from '../integration/pii-journal.setup.js';
import { scanJournal, tapPublicResponses } from '../support/pii-journal.js';

const CODE = '7KQ2-MX9D-4HTV-8PWA';
const NAMES = ['欧阳娜娜', '张三丰'];
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pii-journal-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const response = (method: string, path: string, body: unknown, status = 200) =>
  JSON.stringify({ method, path, status, body: JSON.stringify(body) });

function clean(): void {
  writeFileSync(
    join(dir, 'public-1.jsonl'),
    [
      // The filing answer hands the reporter their own code: allowed there only.
      response('POST', '/api/v1/public/reports', { receiptCode: CODE, office: '青山镇' }, 201),
      response('GET', '/api/v1/public/payments', { items: [{ name: '张*', amount: 1200 }] }),
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'platform-logs.jsonl'),
    [
      '{"level":"INFO","message":"lead stored","leadId":"R01-1234567890123456789a","hash":"a430521199001010025b"}',
      '{"level":"INFO","message":"run finished","at":1733112000000}',
    ].join('\n'),
  );
}

describe('the PII scan of the integration run', () => {
  it('passes a journal without personal data (ids, hashes and timestamps are not ID numbers or phones)', async () => {
    clean();
    expect(scanJournal(dir, NAMES)).toEqual({ findings: [], responses: 2, logLines: 2 });
    await expect(assertNoPii(dir, NAMES)).resolves.toBeUndefined();
  });

  it.each([
    [
      'an ID number in a log line',
      'log',
      '{"message":"bad row","id":"430521199001010025"}',
      'ID number 430521199001010025',
    ],
    ['a phone in a log line', 'log', '{"message":"reporter 13912345678"}', 'phone 13912345678'],
    ['a registry name in a log line', 'log', '{"message":"matched 张三丰"}', 'name 张三丰'],
    [
      'a receipt code in a log line',
      'log',
      `{"message":"lookup ${CODE.replace(/-/g, '')}"}`,
      `receipt code ${CODE}`,
    ],
    [
      'a receipt code in another public answer',
      'public',
      response('POST', '/api/v1/public/reports/lookup', { receipt: CODE }),
      `receipt code ${CODE}`,
    ],
    [
      'a full name in a public answer',
      'public',
      response('GET', '/api/v1/public/payments', { items: [{ name: '欧阳娜娜' }] }),
      'name 欧阳娜娜',
    ],
  ])('finds %s and fails the run', async (_what, where, line, found) => {
    clean();
    const file = where === 'log' ? 'platform-logs.jsonl' : 'public-1.jsonl';
    writeFileSync(join(dir, file), `${readFileSync(join(dir, file), 'utf8')}\n${line}\n`);
    const { findings } = scanJournal(dir, NAMES);
    expect(findings.map((f) => f.found)).toEqual([[found]]);
    await expect(assertNoPii(dir, NAMES)).rejects.toThrow(/PII scan: 1 of \d+ public responses/);
  });
});

describe('the public-response tap', () => {
  let server: Server;
  let base: string;
  const original = globalThis.fetch;
  beforeEach(async () => {
    server = createServer((req, res) => res.end(JSON.stringify({ path: req.url })));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterEach(() => {
    globalThis.fetch = original;
    server.close();
  });

  it('records what the public routes answered, and nothing of the staff routes', async () => {
    tapPublicResponses(dir);
    await fetch(`${base}/api/v1/public/totals?year=2024`);
    await fetch(`${base}/api/v1/leads`);
    await fetch(new Request(`${base}/api/v1/public/reports/lookup`, { method: 'POST', body: '{}' }));
    const lines = readFileSync(join(dir, `public-${process.pid}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l) as { method: string; path: string })).toMatchObject([
      { method: 'GET', path: '/api/v1/public/totals', status: 200 },
      { method: 'POST', path: '/api/v1/public/reports/lookup', status: 200 },
    ]);
  });
});
