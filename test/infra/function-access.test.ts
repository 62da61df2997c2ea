import { DISCLOSURE_SYNC_LEASE } from '@jiandu/pipeline/disclosure-lease';
import { keys } from '@jiandu/store/keys';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { ApiEnv } from '../../functions/runtimes/api.js';
import { CollisionStarterEnv } from '../../functions/runtimes/collision-starter.js';
import { DataLatenessEnv } from '../../functions/runtimes/data-lateness.js';
import { MatchShardEnv } from '../../functions/runtimes/match-shard.js';
import { NormalizeEnv } from '../../functions/runtimes/normalize.js';
import { OverdueLeadsEnv } from '../../functions/runtimes/overdue-leads.js';
import { PlanCollisionEnv } from '../../functions/runtimes/plan-collision.js';
import { RecordPendingEnv } from '../../functions/runtimes/record-pending.js';
import { ScoreAndStoreEnv } from '../../functions/runtimes/score-and-store.js';
import { SyncDisclosureEnv } from '../../functions/runtimes/sync-disclosure.js';
import { AUDIT_KEY_PREFIX } from '../../infra/constructs/grants.js';
import type { JianduFunction } from '../../infra/constructs/jiandu-function.js';
import { logicalId, type SynthesizedApp, synthesize } from './support.js';

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});

/** Every function of the app with its template and the environment schema its runtime validates. */
function functions(): { name: string; fn: JianduFunction; template: Template; schema: z.ZodObject }[] {
  const { workflow, jobs } = app.pipeline;
  const pipeline = app.templates.pipeline;
  const job = (name: string) => {
    const fn = jobs.functions[name];
    if (!fn) throw new Error(`no job ${name}`);
    return fn;
  };
  return [
    { name: 'Normalize', fn: workflow.functions.Normalize, template: pipeline, schema: NormalizeEnv },
    {
      name: 'RecordPending',
      fn: workflow.functions.RecordPending,
      template: pipeline,
      schema: RecordPendingEnv,
    },
    {
      name: 'PlanCollision',
      fn: workflow.functions.PlanCollision,
      template: pipeline,
      schema: PlanCollisionEnv,
    },
    { name: 'MatchShard', fn: workflow.functions.MatchShard, template: pipeline, schema: MatchShardEnv },
    {
      name: 'ScoreAndStore',
      fn: workflow.functions.ScoreAndStore,
      template: pipeline,
      schema: ScoreAndStoreEnv,
    },
    {
      name: 'SyncDisclosure',
      fn: workflow.functions.SyncDisclosure,
      template: pipeline,
      schema: SyncDisclosureEnv,
    },
    { name: 'DataLateness', fn: job('DataLateness'), template: pipeline, schema: DataLatenessEnv },
    { name: 'OverdueLeads', fn: job('OverdueLeads'), template: pipeline, schema: OverdueLeadsEnv },
    {
      name: 'CollisionStarter',
      fn: job('CollisionStarter'),
      template: pipeline,
      schema: CollisionStarterEnv,
    },
    { name: 'Api', fn: app.api.api.handler, template: app.templates.api, schema: ApiEnv },
  ];
}

describe('function environments', () => {
  it('cover every deployed function', () => {
    const deployed = [app.templates.pipeline, app.templates.api].flatMap((t) =>
      Object.keys(t.findResources('AWS::Lambda::Function')).filter((id) => id.includes('Function')),
    );
    expect(
      functions()
        .map((f) => logicalId(f.fn.function))
        .sort(),
    ).toEqual(deployed.sort());
  });

  it.each([
    'Normalize',
    'RecordPending',
    'PlanCollision',
    'MatchShard',
    'ScoreAndStore',
    'SyncDisclosure',
    'DataLateness',
    'OverdueLeads',
    'CollisionStarter',
    'Api',
  ])('%s gets every variable its runtime requires and none it does not read', (name) => {
    const f = functions().find((x) => x.name === name);
    if (!f) throw new Error(name);
    const variables = Object.keys(
      f.template.findResources('AWS::Lambda::Function')[logicalId(f.fn.function)]?.Properties.Environment
        .Variables,
    ).filter((v) => v !== 'NODE_OPTIONS'); // read by Node itself
    const declared = Object.keys(f.schema.shape);
    const required = declared.filter((v) => !f.schema.shape[v]?.safeParse(undefined).success);
    expect(required.filter((v) => !variables.includes(v))).toEqual([]);
    expect(variables.filter((v) => !declared.includes(v))).toEqual([]);
  });
});

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** Every statement of every policy attached to `roleId` (inline or `AWS::IAM::Policy`). */
function statementsOf(template: Template, roleId: string): Statement[] {
  const role = template.findResources('AWS::IAM::Role')[roleId];
  const inline = (
    (role?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((p) => p.PolicyDocument.Statement);
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) =>
      ((p.Properties.Roles ?? []) as unknown[]).some(
        (r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  return [...inline, ...attached];
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/**
 * IAM's answer for one DynamoDB write on the table, for the item with partition key
 * `leadingKey`: allowed by some statement and not denied by any. Conditions this evaluator
 * does not understand make a Deny not apply (so an unknown condition cannot fake a pass).
 */
function mayWrite(statements: Statement[], tableId: string, action: string, leadingKey: string): boolean {
  const matches = (s: Statement) =>
    [s.Action].flat().some((a) => glob(a).test(action)) &&
    [s.Resource].flat().some((r) => r === '*' || JSON.stringify(r).includes(tableId));
  const conditionHolds = (s: Statement) =>
    Object.entries(s.Condition ?? {}).every(([operator, tests]) =>
      Object.entries(tests).every(([key, values]) => {
        if (operator !== 'ForAnyValue:StringLike' || key !== 'dynamodb:LeadingKeys') return false;
        return [values].flat().some((v) => glob(v).test(leadingKey));
      }),
    );
  const allowed = statements.some((s) => s.Effect === 'Allow' && matches(s));
  const denied = statements.some((s) => s.Effect === 'Deny' && matches(s) && conditionHolds(s));
  return allowed && !denied;
}

describe('audit log: no role can change an audit entry', () => {
  const auditKey = `${AUDIT_KEY_PREFIX}2026-03-01T08:00:00.000Z#k3v9`;
  const writes = [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:PartiQLInsert',
    'dynamodb:PartiQLUpdate',
    'dynamodb:PartiQLDelete',
  ];

  /** Every role of every stack, with the writes IAM lets it make to one item of one table. */
  function roles(table: string, key: string) {
    return Object.entries(app.templates).flatMap(([stack, template]) =>
      Object.entries(template.findResources('AWS::IAM::Role')).map(([roleId, role]) => {
        const statements = statementsOf(template, roleId);
        return {
          role: `${stack}/${roleId}`,
          managed: JSON.stringify(role.Properties.ManagedPolicyArns ?? []),
          writes: writes.filter((action) => mayWrite(statements, table, action, key)),
        };
      }),
    );
  }
  const apiRole = () => `api/${logicalId(app.api.api.handler.role)}`;

  it('on the audit table, only the API may write, and only PutItem (always with attribute_not_exists)', () => {
    const all = roles(logicalId(app.data.store.auditTable), auditKey);
    expect(all.length).toBeGreaterThan(5);
    // Managed policies would bypass this walk: none of the roles has one that touches DynamoDB.
    for (const r of all) expect(r.managed, r.role).not.toMatch(/DynamoDB|AdministratorAccess|PowerUser/);
    expect(all.filter((r) => r.writes.length > 0)).toEqual([
      { role: apiRole(), managed: expect.any(String), writes: ['dynamodb:PutItem'] },
    ]);
  });

  it("the audit table's own policy refuses every change to every principal, and it is kept", () => {
    const table = app.templates.data.toJSON().Resources[logicalId(app.data.store.auditTable)];
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.Properties).not.toHaveProperty('TimeToLiveSpecification');
    const statements = table.Properties.ResourcePolicy.PolicyDocument.Statement as (Statement & {
      Principal: unknown;
    })[];
    const deny = statements.find((st) => st.Effect === 'Deny');
    expect(deny?.Principal).toEqual({ AWS: '*' });
    expect(deny?.Resource).toBe('*');
    expect(deny?.Condition).toBeUndefined();
    expect([deny?.Action].flat()).toEqual(
      expect.arrayContaining(writes.filter((w) => !/PutItem|PartiQLInsert/.test(w))),
    );
  });

  it('entries left in the platform table from before are read-only for every role', () => {
    const all = roles(logicalId(app.data.store.table), auditKey);
    expect(all.filter((r) => r.writes.length > 0)).toEqual([]);
  });

  it('while the same roles still write every other item (the check is not vacuous)', () => {
    const writers = roles(logicalId(app.data.store.table), 'LEAD#R01#abc').filter((r) =>
      r.writes.includes('dynamodb:UpdateItem'),
    );
    // The API, Normalize, RecordPending, PlanCollision, ScoreAndStore, SyncDisclosure and the three table jobs.
    expect(writers).toHaveLength(9);
    for (const w of writers)
      expect(w.writes).toEqual([
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ]);
    expect(writers.map((w) => w.role)).toContain(apiRole());
  });
});

describe('the disclosure sync lease', () => {
  it('SyncDisclosure may read, take, renew and release its lease item', () => {
    const leaseKey = keys.lease(DISCLOSURE_SYNC_LEASE).PK;
    const table = logicalId(app.data.store.table);
    const pipeline = app.templates.pipeline;
    const statements = statementsOf(pipeline, logicalId(app.pipeline.workflow.functions.SyncDisclosure.role));
    // Taken with a conditional PutItem, renewed with UpdateItem, released with DeleteItem, read after a refusal.
    for (const action of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
    ])
      expect(mayWrite(statements, table, action, leaseKey), action).toBe(true);
    // The evaluator refuses what is not granted: MatchShard has no table access at all.
    const matcher = statementsOf(pipeline, logicalId(app.pipeline.workflow.functions.MatchShard.role));
    expect(mayWrite(matcher, table, 'dynamodb:PutItem', leaseKey)).toBe(false);
  });
});
