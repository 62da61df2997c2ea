import { createApp, sharedTokenAuthenticator } from '@jiandu/api';
import { StepFunctionsCollisionStarter } from '@jiandu/store';
import { z } from 'zod';
import { deps, logger, sfn } from './runtime.js';

const ApiEnv = z.object({
  INSPECTOR_TOKEN: z.string().min(16, 'INSPECTOR_TOKEN must be at least 16 characters'),
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
});
const apiEnv = ApiEnv.parse(process.env);

/** The API app, shared by the Lambda entry and the local platform's node server. */
export const app = createApp({
  leads: deps.leads,
  versions: deps.versions,
  runs: deps.runs,
  collisions: new StepFunctionsCollisionStarter(sfn, apiEnv.STATE_MACHINE_ARN),
  authenticator: sharedTokenAuthenticator(apiEnv.INSPECTOR_TOKEN),
  logError: (error) => logger.error('unhandled API error', error),
});
