import { resolveRuleConfig } from '@jiandu/domain';
import { type ScoreAndStoreDeps, ScoreAndStoreInput, scoreAndStore } from '@jiandu/pipeline';
import { surfaceTransientErrors } from '@jiandu/pipeline/transient';
import {
  DynamoLeadRepository,
  DynamoReportRepository,
  DynamoRunRepository,
  DynamoVersionRepository,
} from '@jiandu/store';
import * as z from 'zod';
import { createTaskStore, PLATFORM_SECRET, platformKeys, TASK_STORE } from './aws.js';
import { type Environment, jsonSetting, parseEnvironment } from './env.js';

/** `ScoreAndStore` reads the run's findings and writes leads. */
export const ScoreAndStoreEnv = z.object({
  ...TASK_STORE,
  ...PLATFORM_SECRET,
  /** JSON overrides of rule thresholds (CONTRACT.md §5 defaults otherwise). */
  RULE_CONFIG: jsonSetting(resolveRuleConfig),
});

/**
 * Build the `ScoreAndStore` task (async: leads are keyed with the platform's lead-id key). The
 * public disclosure projections are kept by `SyncDisclosure`, beside the collision.
 */
export async function createRuntime(environment: Environment) {
  const env = parseEnvironment('ScoreAndStore', ScoreAndStoreEnv, environment);
  const keys = await platformKeys(env);
  const { doc, ...store } = createTaskStore(env);
  const deps: ScoreAndStoreDeps = {
    ...store,
    leads: new DynamoLeadRepository(doc, env.TABLE_NAME),
    runs: new DynamoRunRepository(doc, env.TABLE_NAME),
    versions: new DynamoVersionRepository(doc, env.TABLE_NAME),
    ruleConfig: env.RULE_CONFIG,
    leadIdKey: keys.leadIds,
    reports: new DynamoReportRepository(doc, env.TABLE_NAME),
  };
  return {
    handler: surfaceTransientErrors(async (event: unknown) =>
      scoreAndStore(deps, ScoreAndStoreInput.parse(event)),
    ),
  };
}
