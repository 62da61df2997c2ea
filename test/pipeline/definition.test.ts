/**
 * The one ASL module in both shapes: valid Amazon States Language (asl-validator, the
 * validator aws-local-stepfunctions uses), the same graph, and only MatchShards differing —
 * a Distributed Map for the cloud, an inline Map that aws-local-stepfunctions runs locally.
 * (CDK synthesis of the cloud shape: test/infra/pipeline-stack.test.ts; the local shape runs
 * in every workflow test through test/support/workflow.ts.)
 */
import { DISCLOSURE_SYNC_BUSY, DISCLOSURE_SYNC_LEASE_SECONDS } from '@jiandu/pipeline';
import {
  CLOUD_DEFINITION,
  collisionDefinition,
  type DefinitionOptions,
  DISCLOSURE_SYNC_BUSY_RETRY,
  LOCAL_DEFINITION,
  MATCH_CONCURRENCY,
  TASK_TIMEOUT_SECONDS,
  TASKS,
  type TaskName,
} from '@jiandu/pipeline/definition';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { collisionBranch, splitMatchShards } from '../support/asl.js';

type State = Record<string, unknown> & { Type: string; Next?: string; End?: boolean };
type Definition = { StartAt: string; States: Record<string, State> };

const shape = (options: DefinitionOptions) => collisionDefinition(options) as unknown as Definition;

/** Every state reachable from StartAt (Next, Choices, Default, Catch), in `definition`'s own graph. */
function reachable(definition: Definition): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string | undefined) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const state = definition.States[name];
    if (!state) throw new Error(`No state ${name}`);
    visit(state.Next);
    visit(state.Default as string | undefined);
    for (const choice of (state.Choices as { Next: string }[] | undefined) ?? []) visit(choice.Next);
    for (const c of (state.Catch as { Next: string }[] | undefined) ?? []) visit(c.Next);
  };
  visit(definition.StartAt);
  return seen;
}

/** The definition and every graph inside it (Parallel branches, Map iterations). */
function graphs(definition: Definition): Definition[] {
  return [
    definition,
    ...Object.values(definition.States).flatMap((state) => [
      ...((state.Branches as Definition[] | undefined) ?? []).flatMap(graphs),
      ...(state.ItemProcessor ? graphs(state.ItemProcessor as Definition) : []),
    ]),
  ];
}

describe.each([
  ['cloud', CLOUD_DEFINITION],
  ['local', LOCAL_DEFINITION],
] as const)('the %s shape', (_name, options) => {
  const definition = shape(options);

  it('is valid Amazon States Language', () => {
    const result = aslValidator(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('reaches every state, and every task is a substituted function of TASKS', () => {
    for (const graph of graphs(definition))
      expect([...reachable(graph)].sort()).toEqual(Object.keys(graph.States).sort());
    // State names are unique across the graphs (the local runner finds handlers by name).
    const names = graphs(definition).flatMap((g) => Object.keys(g.States));
    expect(new Set(names).size).toBe(names.length);
    const resources = JSON.stringify(definition).match(/\$\{[A-Za-z]+\}/g) ?? [];
    expect(new Set(resources)).toEqual(new Set(Object.values(TASKS).map((arn) => `\${${arn}}`)));
  });

  it("gives every task state longer than its function's timeout (the local default would be 60 s)", () => {
    const tasks: [string, number | undefined][] = [];
    JSON.stringify(
      definition,
      (_key, value: { Type?: string; Resource?: string; TimeoutSeconds?: number }) => {
        if (value?.Type === 'Task') tasks.push([value.Resource ?? '', value.TimeoutSeconds]);
        return value;
      },
    );
    expect(tasks.length).toBeGreaterThanOrEqual(Object.keys(TASKS).length);
    for (const [resource, timeout] of tasks) {
      const name = (Object.keys(TASKS) as TaskName[]).find((t) => resource === `\${${TASKS[t]}}`) as TaskName;
      expect(timeout, resource).toBeGreaterThan(TASK_TIMEOUT_SECONDS[name]);
    }
  });

  it('ends a registered upload by marking the kinds it changed pending, not by colliding', () => {
    const choice = definition.States.IsNewVersion?.Choices as { StringEquals: string; Next: string }[];
    expect(choice.find((c) => c.StringEquals === 'registered')?.Next).toBe('RecordPending');
    expect(definition.States.RecordPending).toMatchObject({
      Type: 'Task',
      Parameters: { 'versionId.$': '$.version.versionId', 'kinds.$': '$.version.kinds' },
      End: true,
    });
    // A request (a burst's "Collision Pending", a withdrawal) and the schedule go straight to the collision.
    expect(definition.States.Trigger?.Default).toBe('Collide');
  });

  it('runs the disclosure sync beside the collision, never as part of it', () => {
    const collide = definition.States.Collide as State & { Branches: Definition[] };
    expect(collide.Type).toBe('Parallel');
    const [collision, sync] = collide.Branches as [Definition, Definition];
    expect(collision.StartAt).toBe('PlanCollision');
    expect(collision.States.ScoreAndStore).toMatchObject({ End: true, OutputPath: '$.result' });
    expect(JSON.stringify(collision)).not.toContain('SyncDisclosureFunctionArn');
    expect(sync.StartAt).toBe('SyncDisclosure');
    expect(sync.States.SyncDisclosure).toMatchObject({
      Type: 'Task',
      Resource: `\${${TASKS.SyncDisclosure}}`,
      Parameters: { 'trigger.$': '$.detail-type', 'eventTime.$': '$.time' },
      // Retried like every task on transient errors, then caught: the collision branch goes on.
      Retry: expect.arrayContaining([
        expect.objectContaining({ ErrorEquals: expect.arrayContaining(['TransientError']) }),
      ]),
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failed', Next: 'SyncDeferred' }],
    });
    expect(sync.States.SyncDeferred).toMatchObject({ Type: 'Pass', End: true });
  });

  it('runs a failed sync once more after the collision, as a task a redrive starts from', () => {
    expect(definition.States.DisclosureSynced).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.collided.sync.disclosureFailed', IsPresent: true, Next: 'SyncDisclosureAgain' },
      ],
      Default: 'Collided',
    });
    const again = definition.States.SyncDisclosureAgain as State;
    const [, syncBranch] = (definition.States.Collide as State).Branches as [Definition, Definition];
    const beside = syncBranch.States.SyncDisclosure as State;
    expect(again).toMatchObject({ Type: 'Task', Next: 'Collided', Resource: beside.Resource });
    // No Catch: a second failure fails the execution at this task (a Fail state could not be redriven).
    expect(again).not.toHaveProperty('Catch');
    expect(again.Retry).toEqual(beside.Retry);
    expect(definition.States.Collided).toMatchObject({ Type: 'Pass', End: true, OutputPath: '$.output' });
  });
});

describe('waiting for the disclosure sync lease', () => {
  const definition = shape(CLOUD_DEFINITION);
  const [, syncBranch] = (definition.States.Collide as State).Branches as [Definition, Definition];
  const states = {
    SyncDisclosure: syncBranch.States.SyncDisclosure,
    SyncDisclosureAgain: definition.States.SyncDisclosureAgain,
  };

  it('retries DisclosureSyncBusy in both sync states, with full jitter and a capped back-off', () => {
    for (const [name, state] of Object.entries(states)) {
      const retry = state?.Retry as Record<string, unknown>[];
      const busy = retry.filter((r) => (r.ErrorEquals as string[]).includes(DISCLOSURE_SYNC_BUSY));
      expect(busy, name).toEqual([
        {
          ErrorEquals: [DISCLOSURE_SYNC_BUSY],
          IntervalSeconds: 5,
          BackoffRate: 2,
          MaxDelaySeconds: 60,
          MaxAttempts: DISCLOSURE_SYNC_BUSY_RETRY.MaxAttempts,
          JitterStrategy: 'FULL',
        },
      ]);
      // The transient-fault retries are still there beside it.
      expect(
        retry.some((r) => (r.ErrorEquals as string[]).includes('TransientError')),
        name,
      ).toBe(true);
    }
  });

  it("waits long enough to outlast a holder: a sync running its whole timeout, or a dead one's lease", () => {
    const { IntervalSeconds, BackoffRate, MaxDelaySeconds, MaxAttempts } = DISCLOSURE_SYNC_BUSY_RETRY;
    const caps = Array.from({ length: MaxAttempts }, (_, n) =>
      Math.min(IntervalSeconds * BackoffRate ** n, MaxDelaySeconds),
    );
    // Full jitter: each wait uniform on [0, cap], so the total has mean Σcap/2 and variance Σcap²/12.
    const mean = caps.reduce((a, c) => a + c / 2, 0);
    const sd = Math.sqrt(caps.reduce((a, c) => a + (c * c) / 12, 0));
    expect(DISCLOSURE_SYNC_LEASE_SECONDS).toBeGreaterThan(TASK_TIMEOUT_SECONDS.SyncDisclosure);
    // Five standard deviations short of the mean still outlasts the lease (beside the collision
    // alone; SyncDisclosureAgain waits as long again).
    expect(mean - 5 * sd).toBeGreaterThan(DISCLOSURE_SYNC_LEASE_SECONDS);
    // Each wait at most a minute: a waiting sync starts soon after the holder ends.
    expect(Math.max(...caps)).toBe(60);
    // Step Functions' history limit (25,000 events; ≈ 3 per Lambda attempt) is far away.
    expect(2 * (MaxAttempts + 1) * 3).toBeLessThan(1000);
  });
});

describe('the two shapes', () => {
  const cloud = shape(CLOUD_DEFINITION);
  const local = shape(LOCAL_DEFINITION);

  it('differ only in how MatchShards fans out', () => {
    const [cloudRest, cloudMap] = splitMatchShards(cloud);
    const [localRest, localMap] = splitMatchShards(local);
    expect(cloudRest).toEqual(localRest);
    expect(cloudMap).toMatchObject({
      ItemsPath: '$.plan.shards',
      MaxConcurrency: MATCH_CONCURRENCY,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      Label: 'MatchShards',
      ToleratedFailurePercentage: 0,
    });
    expect(localMap).toMatchObject({
      ItemsPath: '$.plan.shards',
      MaxConcurrency: MATCH_CONCURRENCY,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } },
    });
    expect(localMap).not.toHaveProperty('Label');
    const iteration = (map: Record<string, unknown> | undefined) => {
      if (!map) throw new Error('no MatchShards');
      const { ProcessorConfig, ...rest } = map.ItemProcessor as Record<string, unknown>;
      return rest;
    };
    expect(iteration(cloudMap)).toEqual(iteration(localMap));
  });

  it('take the shard concurrency as configuration', () => {
    const wide = shape({ mapMode: 'distributed', matchConcurrency: 200 });
    expect(splitMatchShards(wide)[1].MaxConcurrency).toBe(200);
    expect(aslValidator(wide).isValid).toBe(true);
  });

  it('are what the validator refuses when broken (the check can fail)', () => {
    const broken = structuredClone(cloud);
    const map = collisionBranch(broken).States.MatchShards as State;
    (map.ItemProcessor as { ProcessorConfig: { ExecutionType: string } }).ProcessorConfig.ExecutionType =
      'FAST';
    expect(aslValidator(broken).isValid).toBe(false);
  });
});
