/**
 * The state machine the CDK stack deploys and the one `npm start` executes must be the
 * same: take the synthesized DefinitionString, resolve its substitutions the way Step
 * Functions does (each to the function that serves the task), and compare it with the
 * definition the local runner hands to aws-local-stepfunctions. The one difference allowed is
 * how MatchShards fans out (Distributed Map in the cloud, inline locally): same items, same
 * iteration, same concurrency and result.
 */
import { localDefinition, localFunctionArn } from '@jiandu/local/workflow';
import { substitute, TASKS, type TaskName } from '@jiandu/pipeline/definition';
import { beforeAll, expect, it } from 'vitest';
import { splitMatchShards } from '../support/asl.js';
import { logicalId, type SynthesizedApp, synthesize } from './support.js';

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});

it('deploys exactly the definition the local platform runs', () => {
  const machines = app.templates.pipeline.findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines) as { Properties: Record<string, unknown> }[];
  const deployed = machine?.Properties.DefinitionString as string;
  const substitutions = machine?.Properties.DefinitionSubstitutions as Record<
    string,
    { 'Fn::GetAtt': string[] }
  >;

  const taskOfFunction = new Map(
    (Object.keys(TASKS) as TaskName[]).map((task) => [
      logicalId(app.pipeline.workflow.functions[task].function),
      task,
    ]),
  );
  const resolved: Record<string, string> = {};
  for (const [placeholder, ref] of Object.entries(substitutions)) {
    const task = taskOfFunction.get(ref['Fn::GetAtt'][0] as string);
    expect(task, `${placeholder} points at a workflow function`).toBeDefined();
    resolved[placeholder] = localFunctionArn(task as TaskName);
  }
  const cloud = JSON.parse(substitute(deployed, resolved));
  const local = localDefinition() as typeof cloud;
  const [cloudRest, cloudMap] = splitMatchShards(cloud);
  const [localRest, localMap] = splitMatchShards(local);
  expect(cloudRest).toEqual(localRest);

  const { ItemProcessor: cloudProcessor, Label, ToleratedFailurePercentage, ...cloudFanOut } = cloudMap;
  const { ItemProcessor: localProcessor, ...localFanOut } = localMap;
  expect(cloudFanOut).toEqual(localFanOut);
  expect({ ...cloudProcessor, ProcessorConfig: undefined }).toEqual({
    ...localProcessor,
    ProcessorConfig: undefined,
  });
  expect([cloudProcessor.ProcessorConfig.Mode, localProcessor.ProcessorConfig.Mode]).toEqual([
    'DISTRIBUTED',
    'INLINE',
  ]);
  expect({ Label, ToleratedFailurePercentage }).toEqual({
    Label: 'MatchShards',
    ToleratedFailurePercentage: 0,
  });
});
