/** Helpers for tests that compare the collision definition's two shapes. */

type States = Record<string, Record<string, unknown>>;
interface Definition {
  readonly States: States;
}

/**
 * The collision branch of `Collide` (plan → MatchShards → ScoreAndStore): where the shard
 * fan-out, the one state that differs between the cloud and local shapes, lives.
 */
export function collisionBranch(definition: Definition): { StartAt: string; States: States } {
  const branches = definition.States.Collide?.Branches as { StartAt: string; States: States }[] | undefined;
  const branch = branches?.find((b) => b.StartAt === 'PlanCollision');
  if (!branch) throw new Error('No collision branch in Collide');
  return branch;
}

/** A copy of `definition` without MatchShards, and MatchShards. */
// biome-ignore lint/suspicious/noExplicitAny: the Map state's JSON, read field by field by the tests
export function splitMatchShards<D extends Definition>(definition: D): [D, Record<string, any>] {
  const rest = structuredClone(definition);
  const branch = collisionBranch(rest);
  const map = branch.States.MatchShards;
  if (!map) throw new Error('No MatchShards in the collision branch');
  delete branch.States.MatchShards;
  return [rest, map];
}
