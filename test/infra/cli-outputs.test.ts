/**
 * The staff command line finds a deployed stack through CloudFormation outputs
 * (`packages/cli/src/target.ts`): every output it reads must exist and point at the right resource.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// Relative until `npm install` links the new workspace package as @jiandu/cli.
import { STACK_OUTPUTS } from '../../packages/cli/src/target.js';
import { logicalId, type SynthesizedApp, synthesize } from './support.js';

let app: SynthesizedApp;

beforeAll(() => {
  app = synthesize();
});

describe('stack outputs the command line reads', () => {
  it('Jiandu-Data exports the upload bucket name', () => {
    const outputs = app.templates.data.findOutputs(STACK_OUTPUTS.Data.uploadBucket);
    expect(Object.values(outputs)[0]?.Value).toEqual({ Ref: logicalId(app.data.uploadBucket) });
  });

  it('Jiandu-Pipeline exports the collision state machine ARN', () => {
    const outputs = app.templates.pipeline.findOutputs(STACK_OUTPUTS.Pipeline.stateMachineArn);
    expect(Object.values(outputs)[0]?.Value).toEqual({
      Ref: logicalId(app.pipeline.workflow.stateMachine),
    });
  });

  it('Jiandu-Api exports the API URL', () => {
    const outputs = app.templates.api.findOutputs(STACK_OUTPUTS.Api.apiUrl);
    expect(Object.keys(outputs)).toEqual([STACK_OUTPUTS.Api.apiUrl]);
    expect(JSON.stringify(Object.values(outputs)[0]?.Value)).toContain('execute-api');
  });
});
