/**
 * The one ASL module in both shapes: valid Amazon States Language (asl-validator, the
 * validator aws-local-stepfunctions uses), the same graph, and only MatchShards differing —
 * a Distributed Map for the cloud, an inline Map that aws-local-stepfunctions runs locally.
 * (CDK synthesis of the cloud shape: test/infra/pipeline-stack.test.ts; the local shape runs
 * in every workflow test through test/support/workflow.ts.)
 */
import {
  CLOUD_DEFINITION,
  collisionDefinition,
  type DefinitionOptions,
  LOCAL_DEFINITION,
  MATCH_CONCURRENCY,
  TASK_TIMEOUT_SECONDS,
  TASKS,
  type TaskName,
} from '@jiandu/pipeline/definition';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';

type State = Record<string, unknown> & { Type: string; Next?: string; End?: boolean };
type Definition = { StartAt: string; States: Record<string, State> };

const shape = (options: DefinitionOptions) => collisionDefinition(options) as unknown as Definition;

/** Every state reachable from StartAt (Next, Choices, Default), including the Map's own graph. */
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
  };
  visit(definition.StartAt);
  return seen;
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
    expect([...reachable(definition)].sort()).toEqual(Object.keys(definition.States).sort());
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

  it('ends a registered upload by marking its kind pending, not by colliding', () => {
    const choice = definition.States.IsNewVersion?.Choices as { StringEquals: string; Next: string }[];
    expect(choice.find((c) => c.StringEquals === 'registered')?.Next).toBe('RecordPending');
    expect(definition.States.RecordPending).toMatchObject({
      Type: 'Task',
      Parameters: { 'versionId.$': '$.version.versionId', 'kind.$': '$.version.kind' },
      End: true,
    });
    // A request (a burst's "Collision Pending", a withdrawal) and the schedule go straight to the plan.
    expect(definition.States.Trigger?.Default).toBe('PlanCollision');
  });
});

describe('the two shapes', () => {
  const cloud = shape(CLOUD_DEFINITION);
  const local = shape(LOCAL_DEFINITION);

  it('differ only in how MatchShards fans out', () => {
    const { MatchShards: cloudMap, ...cloudStates } = cloud.States;
    const { MatchShards: localMap, ...localStates } = local.States;
    expect(cloudStates).toEqual(localStates);
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
    const iteration = (map: State | undefined) => {
      if (!map) throw new Error('no MatchShards');
      const { ProcessorConfig, ...rest } = map.ItemProcessor as Record<string, unknown>;
      return rest;
    };
    expect(iteration(cloudMap)).toEqual(iteration(localMap));
  });

  it('take the shard concurrency as configuration', () => {
    const wide = shape({ mapMode: 'distributed', matchConcurrency: 200 });
    expect(wide.States.MatchShards?.MaxConcurrency).toBe(200);
    expect(aslValidator(wide).isValid).toBe(true);
  });

  it('are what the validator refuses when broken (the check can fail)', () => {
    const broken = structuredClone(cloud);
    const map = broken.States.MatchShards as State;
    (map.ItemProcessor as { ProcessorConfig: { ExecutionType: string } }).ProcessorConfig.ExecutionType =
      'FAST';
    expect(aslValidator(broken).isValid).toBe(false);
  });
});
