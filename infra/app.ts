/**
 * The jiandu CDK app (`cdk.json`: `node --import tsx infra/app.ts`).
 *
 * - `Jiandu-Data`: the single DynamoDB table, the upload bucket (raw files are evidence:
 *   versioned, retained forever, EventBridge notifications on), the data bucket (normalized
 *   shards, rejects, findings) and the access-log bucket. Everything is retained.
 * - `Jiandu-Pipeline`: the Normalize / PlanCollision / MatchShard / ScoreAndStore functions,
 *   the collision state machine (the shared ASL from `@jiandu/pipeline/definition`), the
 *   upload rule (`Object Created` under `uploads/`) and the nightly collision schedule
 *   (override with `-c collisionSchedule='cron(...)'`).
 * - `Jiandu-Api`: the staff Cognito user pool (a group per role) and the inspectors' HTTP API
 *   in front of the hono Lambda, private routes behind a JWT authorizer; the dashboard logs in
 *   at the pool's hosted UI (`-c webOrigin=https://<site>`, `-c cognitoDomainPrefix=…`; output
 *   `StaffConfig` is the dashboard's `/staff/config.json`).
 *
 * Stacks are environment-agnostic, so `npx cdk synth` works offline. cdk-nag (AwsSolutions)
 * validates at synthesis and fails it on any unacknowledged finding.
 */
import { buildJianduApp } from './jiandu-app.js';

buildJianduApp().app.synth();
