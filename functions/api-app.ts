import { createApp, jwtAuthenticator } from '@jiandu/api';
import { DEFAULT_MIN_SCORE } from '@jiandu/domain/leads/query';
import { divisionIndexFor } from '@jiandu/pipeline/divisions';
import { S3UploadUrlSigner, StepFunctionsCollisionStarter } from '@jiandu/store';
import { z } from 'zod';
import {
  auditLog,
  cadence,
  corrections,
  deps,
  lateness,
  logger,
  platformKeys,
  rateLimits,
  reportDeadlines,
  reports,
  s3,
  sfn,
} from './runtime.js';

const ApiEnv = z.object({
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  /** Expected `iss` of ID tokens: the Cognito user pool's issuer URL, or the local issuer's. */
  JWT_ISSUER: z.url(),
  /** Expected `aud`: the app client id. */
  JWT_AUDIENCE: z.string().min(1),
  /** Where the issuer publishes its signing keys. */
  JWKS_URL: z.url(),
  /** The default lead list hides scores below this (`?minScore=0` shows all). */
  LEAD_LIST_MIN_SCORE: z.coerce.number().int().min(0).max(100).default(DEFAULT_MIN_SCORE),
});
const apiEnv = ApiEnv.parse(process.env);
const keys = await platformKeys();

/** The API app, shared by the Lambda entry and the local platform's node server. */
export const app = createApp({
  leads: deps.leads,
  versions: deps.versions,
  runs: deps.runs,
  collisions: new StepFunctionsCollisionStarter(sfn, apiEnv.STATE_MACHINE_ARN),
  datasets: {
    objects: deps.objects,
    buckets: deps.buckets,
    uploadUrls: new S3UploadUrlSigner(s3, deps.buckets.upload),
    lateness,
    cadence,
  },
  workflow: { audit: auditLog, corrections, minScore: apiEnv.LEAD_LIST_MIN_SCORE, auditKey: keys.audit },
  reports: {
    repository: reports,
    deadlines: reportDeadlines,
    // Routing reads the divisions in force (cached per container, rebuilt when they change).
    divisions: () => divisionIndexFor(deps),
    keys,
    limits: rateLimits,
  },
  authenticator: jwtAuthenticator({
    issuer: apiEnv.JWT_ISSUER,
    audience: apiEnv.JWT_AUDIENCE,
    jwksUrl: apiEnv.JWKS_URL,
    // The reason code only: never the token, its subject or its claims.
    onRejected: (reason) => logger.info('bearer token rejected', { reason }),
  }),
  logError: (error) => logger.error('unhandled API error', error),
});
