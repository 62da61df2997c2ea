import { resolveRuleConfig } from '@jiandu/domain';
import { type ScoreAndStoreDeps, ScoreAndStoreInput, scoreAndStore } from '@jiandu/pipeline';
import { DynamoLeadRepository, DynamoRunRepository, DynamoVersionRepository } from '@jiandu/store';
import * as z from 'zod';
import { createTaskStore, TASK_STORE } from './aws.js';
import { type Environment, jsonSetting, parseEnvironment } from './env.js';

/** `ScoreAndStore` reads the run's findings and writes leads. */
export const ScoreAndStoreEnv = z.object({
  ...TASK_STORE,
  /** JSON overrides of rule thresholds (CONTRACT.md §5 defaults otherwise). */
  RULE_CONFIG: jsonSetting(resolveRuleConfig),
});

/** Build the `ScoreAndStore` task. */
export function createRuntime(environment: Environment) {
  const env = parseEnvironment('ScoreAndStore', ScoreAndStoreEnv, environment);
  const { doc, ...store } = createTaskStore(env);
  const deps: ScoreAndStoreDeps = {
    ...store,
    leads: new DynamoLeadRepository(doc, env.TABLE_NAME),
    runs: new DynamoRunRepository(doc, env.TABLE_NAME),
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    ruleConfig: env.RULE_CONFIG,
  };
  return { handler: async (event: unknown) => scoreAndStore(deps, ScoreAndStoreInput.parse(event)) };
}
