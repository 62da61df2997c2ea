/**
 * `leads export --min-score`: the lowest score exported reaches the API's export route (0
 * included — the lead list's default view hides scores below 20 unless a minimum is sent), and a
 * bad value is refused before anything is fetched.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api.js';
import { exportLeads } from '../src/export.js';
import { EXIT, main } from '../src/main.js';

const dir = mkdtempSync(join(tmpdir(), 'jiandu-cli-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An API client whose fetch records the URLs asked and answers a one-line CSV. */
function recordingClient(): { api: ApiClient; asked: URL[] } {
  const asked: URL[] = [];
  const api = new ApiClient('http://api.test/', 'token', async (input) => {
    asked.push(new URL(String(input)));
    return new Response('\uFEFFlead_id\n', { status: 200, headers: { 'content-type': 'text/csv' } });
  });
  return { api, asked };
}

describe('leads export --min-score', () => {
  it('sends minScore to the export route, 0 included, and nothing when not given', async () => {
    const { api, asked } = recordingClient();
    const out = join(dir, 'all.csv');
    await exportLeads(api, { format: 'csv', out, minScore: 0, headers: 'canonical' });
    await exportLeads(api, { format: 'csv', out, minScore: 35 });
    await exportLeads(api, { format: 'csv', out });
    expect(asked.map((u) => u.pathname)).toEqual(Array(3).fill('/api/v1/leads/export'));
    expect(asked.map((u) => u.searchParams.get('minScore'))).toEqual(['0', '35', null]);
    expect(readFileSync(out, 'utf8')).toBe('\uFEFFlead_id\n');
  });

  it.each(['abc', '101', '2.5', ''])('refuses --min-score %j with a usage error', async (value) => {
    let stderr = '';
    const code = await main({
      argv: ['leads', 'export', '--out', join(dir, 'x.csv'), `--min-score=${value}`, '--data', dir],
      env: {},
      stdout: () => {},
      stderr: (text) => {
        stderr += text;
      },
    });
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain(`--min-score 必须是 0 到 100 的整数，而不是「${value}」`);
  });
});
