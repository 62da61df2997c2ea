/**
 * The DynamoDB lead scan (what the export, the personal lookup and the overdue list read)
 * reads the leads in short key ranges, each lead once, on DynamoDB Local: one long range
 * costs the emulator time quadratic in its length (25,000 leads: 26 s in one range, 3.8 s in
 * ranges; `packages/local/bench/lead-store.ts --parts export`). Proven here by what each
 * query returns, never by timing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { matchesLeadFilter } from '@jiandu/domain/leads/query';
import type { Lead } from '@jiandu/domain/model';
import { RULES } from '@jiandu/domain/rules/registry';
import {
  createDynamoDbClient,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
} from '@jiandu/local/dynamodb';
import { freePort } from '@jiandu/local/ports';
import { DynamoLeadRepository, documentClientOf } from '@jiandu/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLead } from '../support/leads.js';

let dir: string;
let local: DynamoDbLocal;
let client: DynamoDBClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jiandu-lead-scan-'));
  local = await startDynamoDbLocal({ dbPath: dir, port: await freePort() });
  client = createDynamoDbClient(local.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CODES = RULES.map((r) => r.code);

function lead(n: number, leadId: string, rule: string): Lead {
  return sampleLead(
    {
      leadId,
      idNumber: `43119919800101${String(n).padStart(4, '0')}`,
      deathVersionId: 'v-d',
      paymentVersionId: 'v-p',
    },
    { rule: rule as Lead['rule'], score: n % 100, createdAt: `2024-01-0${(n % 6) + 1}T03:00:00.000Z` },
  );
}

describe('DynamoLeadRepository.scan on DynamoDB Local', () => {
  it('reads every lead exactly once, in ranges of a small share of the county each', async () => {
    await ensureTable(client, 'lead-scan');
    const doc = documentClientOf(client);
    const repo = new DynamoLeadRepository(doc, 'lead-scan');
    // Ids as `leadIdFor` makes them (rule and hex digest), and ids of other shapes: on a
    // range's bound, below and above every bound, of another rule's prefix.
    const digest = (n: number) => createHash('sha256').update(String(n)).digest('hex').slice(0, 20);
    const leads = [
      ...Array.from({ length: 480 }, (_, n) =>
        lead(n, `${CODES[n % 12]}-${digest(n)}`, CODES[n % 12] as string),
      ),
      ...['R01-2', 'R01-8', 'R01-e', 'R01-', 'R01-0', 'R01-ffff', 'R01-zz', 'R01', 'L-1', 'R06-c'].map(
        (id, i) => lead(500 + i, id, 'R01'),
      ),
    ];
    expect(await repo.putMany(leads.map((next) => ({ next, previous: undefined })))).toEqual([]);

    const returned: number[] = [];
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'QueryCommand')
          returned.push(((out.output as { Items?: unknown[] }).Items ?? []).length);
        return out;
      },
      { step: 'initialize', name: 'countQueryItems' },
    );
    for (const filter of [
      {},
      { minScore: 0 },
      { rule: 'R01' },
      { createdFrom: '2024-01-02', minScore: 50 },
    ]) {
      returned.length = 0;
      const found = await repo.scan(filter);
      const expected = leads.filter((l) => matchesLeadFilter(l, filter)).map((l) => l.leadId);
      expect(found.map((l) => l.leadId).sort()).toEqual(expected.sort());
      // Each lead read once, but those whose id is a bound (read by both of its ranges).
      expect(returned.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(expected.length + 3);
      // No range holds more than a small share of what is read (one range held all before).
      expect(Math.max(...returned)).toBeLessThanOrEqual(Math.max(20, expected.length / 8));
    }
  });
});
