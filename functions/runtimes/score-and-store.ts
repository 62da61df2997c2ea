import { resolveRuleConfig } from '@jiandu/domain';
import { resolveDisclosureConfig } from '@jiandu/domain/disclosure/config';
import { type ScoreAndStoreDeps, ScoreAndStoreInput, scoreAndStore, syncDisclosure } from '@jiandu/pipeline';
import { surfaceTransientErrors } from '@jiandu/pipeline/transient';
import {
  DynamoDisclosureStore,
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
  /** JSON per-program publication of payments (publish or not, months back). */
  DISCLOSURE_CONFIG: jsonSetting(resolveDisclosureConfig),
});

/**
 * Build the `ScoreAndStore` task (async: leads are keyed with the platform's lead-id key). The
 * last step of every run, so it also brings the public disclosure projections in step with the
 * versions in force (`syncDisclosure`): uploads, withdrawals, restores and the nightly run
 * (which moves the published months forward) all end here.
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
  const disclosure = {
    ...deps,
    disclosure: new DynamoDisclosureStore(doc, env.TABLE_NAME),
    disclosureConfig: env.DISCLOSURE_CONFIG,
    lookupKey: keys.lookup,
  };
  return {
    handler: surfaceTransientErrors(async (event: unknown) => {
      const summary = await scoreAndStore(deps, ScoreAndStoreInput.parse(event));
      await syncDisclosure(disclosure);
      return summary;
    }),
  };
}
