/**
 * What a lead write costs DynamoDB Local, by item layout: the question behind a lead's storage
 * (`packages/store/src/dynamo/leads.ts`). Each case writes N items shaped like leads in
 * transactions of 90, 8 in flight (as `putMany` does) into a table of the platform's shape, and
 * prints the CPU milliseconds DynamoDB Local spent per lead. A warm-up case runs first: the JVM's
 * first thousands of writes cost 2–4× what later ones do. Prints figures; asserts nothing.
 *
 *   node --import ./scripts/node-support.mjs --import tsx packages/local/bench/dynamodb-write-cost.ts
 *     [--items 5000] [--evidence 2000]
 *
 * Cases: a new lead as one item in both indexes (the layout kept), the same without index keys,
 * a small indexed item, a new lead split into an unindexed whole item and a small index entry
 * (two puts), and a rescore's replacement of a stored lead (Put or Update; indexed or not).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClientOf } from '@jiandu/store/clients';
import { createDynamoDbClient, ensureTable, startDynamoDbLocal } from '../src/dynamodb.js';
import { freePort } from '../src/ports.js';
import { childrenCpuSeconds } from './children-cpu.js';

const { values: args } = parseArgs({
  options: { items: { type: 'string', default: '5000' }, evidence: { type: 'string', default: '2000' } },
});
const N = Number(args.items);
/** The packed fields' bytes (the county's real leads: ≈ 2.3 KB a lead). */
const EVIDENCE = 'x'.repeat(Number(args.evidence));

type Item = Record<string, unknown>;
/** The transaction actions of lead `i`. */
type Actions = (table: string, i: number) => Record<string, unknown>[];

const fields = (i: number) => ({ leadId: `R01-${i}`, rule: 'R01', status: 'new', score: 40, amount: 1000 });
const indexKeys = (i: number) => ({
  GSI1PK: 'LEADS',
  GSI1SK: `2026-12-02T00:00:00.000Z#R01-${i}`,
  GSI2PK: `RULE#R0${i % 10}`,
  GSI2SK: `R01-${i}`,
});
const whole = (i: number, indexed: boolean, evidence = EVIDENCE): Item => ({
  PK: `LEAD#${i}`,
  SK: 'LEAD',
  ...(indexed ? indexKeys(i) : {}),
  ...fields(i),
  evidence,
  revision: 1,
});
const absent = { ConditionExpression: 'attribute_not_exists(PK)' };
const atRevision1 = { ConditionExpression: 'revision = :r', ExpressionAttributeValues: { ':r': 1 } };

const put =
  (indexed: boolean): Actions =>
  (table, i) => [{ Put: { TableName: table, Item: whole(i, indexed), ...absent } }];
const CASES: [string, Actions, { seeded?: boolean; indexed?: boolean }?][] = [
  ['warm-up (not counted)', put(true)],
  ['new: one item in both indexes (kept)', put(true)],
  ['new: one item, no index', put(false)],
  [
    'new: small item in both indexes',
    (table, i) => [{ Put: { TableName: table, Item: whole(i, true, ''), ...absent } }],
  ],
  [
    'new: whole item + small index entry',
    (table, i) => [
      { Put: { TableName: table, Item: whole(i, false), ...absent } },
      { Put: { TableName: table, Item: { PK: `LEAD#${i}`, SK: 'INDEX', ...indexKeys(i), ...fields(i) } } },
    ],
  ],
  [
    'rescore: Put over an indexed lead',
    (table, i) => [
      { Put: { TableName: table, Item: { ...whole(i, true, `${EVIDENCE}y`), revision: 2 }, ...atRevision1 } },
    ],
    { seeded: true, indexed: true },
  ],
  [
    'rescore: Update of an indexed lead',
    (table, i) => [
      {
        Update: {
          TableName: table,
          Key: { PK: `LEAD#${i}`, SK: 'LEAD' },
          UpdateExpression: 'SET evidence = :e, revision = :n',
          ConditionExpression: 'revision = :r',
          ExpressionAttributeValues: { ':e': `${EVIDENCE}y`, ':n': 2, ':r': 1 },
        },
      },
    ],
    { seeded: true, indexed: true },
  ],
  [
    'rescore: Put over an unindexed lead',
    (table, i) => [
      {
        Put: { TableName: table, Item: { ...whole(i, false, `${EVIDENCE}y`), revision: 2 }, ...atRevision1 },
      },
    ],
    { seeded: true, indexed: false },
  ],
];

/** Send the actions of leads 0…N−1 in transactions of at most 90 actions, 8 in flight. */
async function send(
  doc: ReturnType<typeof documentClientOf>,
  table: string,
  actions: Actions,
): Promise<void> {
  const transactions: Record<string, unknown>[][] = [[]];
  for (let i = 0; i < N; i++) {
    const own = actions(table, i);
    if ((transactions.at(-1)?.length ?? 0) + own.length > 90) transactions.push([]);
    transactions.at(-1)?.push(...own);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let t = transactions[next++]; t; t = transactions[next++])
        await doc.send(new TransactWriteCommand({ TransactItems: t as never }));
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'jiandu-write-cost-'));
const db = await startDynamoDbLocal({ dbPath: dir, port: await freePort() });
try {
  const client = createDynamoDbClient(db.endpoint);
  const doc = documentClientOf(client);
  console.log(`${N} leads a case, ${EVIDENCE.length} bytes of packed fields each`);
  for (const [n, [name, actions, options]] of CASES.entries()) {
    const table = `cost-${n}`;
    await ensureTable(client, table);
    if (options?.seeded) await send(doc, table, put(options.indexed ?? true));
    const java = childrenCpuSeconds();
    const start = performance.now();
    await send(doc, table, actions);
    const cpu = childrenCpuSeconds() - java;
    console.log(
      `${name.padEnd(40)} ${((performance.now() - start) / 1000).toFixed(1).padStart(6)} s  DynamoDB Local ${cpu.toFixed(1).padStart(5)} s CPU, ${((cpu / N) * 1000).toFixed(2)} ms a lead`,
    );
  }
} finally {
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
