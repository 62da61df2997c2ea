// The polyfill must be evaluated before aws-local-stepfunctions: keep this import first.
import './polyfill.js';
import { FUNCTION_ENTRIES } from '@jiandu/pipeline/contracts';
import {
  collisionDefinitionString,
  LOCAL_DEFINITION,
  substitute,
  TASKS,
  type TaskName,
} from '@jiandu/pipeline/definition';
import { StateMachine } from 'aws-local-stepfunctions';
import type { WorkflowEvent } from './events.js';
import type { FunctionHost } from './functions-host.js';
import { localLambdaArn } from './lambda-context.js';

/** One task state's implementation: state input in, task result out (both JSON). */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** Every task state of the workflow with its implementation. */
export type TaskHandlers = Readonly<Record<TaskName, TaskHandler>>;

/** The task names, in the order the workflow uses them. */
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

/** The ARN a task's function would have if deployed in the local account (only used for substitution). */
export function localFunctionArn(task: TaskName): string {
  return localLambdaArn(`jiandu-${task}`);
}

/**
 * The shared ASL in its local shape (inline Map: aws-local-stepfunctions has no Distributed
 * Map) with every `${…FunctionArn}` replaced by a local ARN.
 */
export function localDefinition(): Record<string, unknown> {
  const values: Record<string, string> = {};
  for (const task of TASK_NAMES) values[TASKS[task]] = localFunctionArn(task);
  return JSON.parse(substitute(collisionDefinitionString(LOCAL_DEFINITION), values)) as Record<
    string,
    unknown
  >;
}

/**
 * The real handlers: each task invokes the `handler` export of its entry in
 * {@link FUNCTION_ENTRIES} inside the platform's function host (imported there on first use,
 * so a module that fails to load fails that execution with the import error, not the start).
 */
export function hostTaskHandlers(host: FunctionHost): TaskHandlers {
  const make =
    (task: TaskName): TaskHandler =>
    (input) =>
      host.invoke(FUNCTION_ENTRIES[task], `jiandu-${task}`, input);
  return Object.fromEntries(TASK_NAMES.map((task) => [task, make(task)])) as unknown as TaskHandlers;
}

/** JSON round trip, as Lambda's invoke does: handlers never share objects with the interpreter. */
function asJson(value: unknown): never {
  return JSON.parse(JSON.stringify(value ?? null)) as never;
}

/** A started execution. */
export interface RunningExecution {
  readonly result: Promise<unknown>;
  abort(): void;
}

/** The collision state machine, interpreted locally with the given task implementations. */
export interface LocalWorkflow {
  run(input: WorkflowEvent): RunningExecution;
}

/** Build the collision workflow from the shared definition with `handlers` serving its task states. */
export function createWorkflow(handlers: TaskHandlers): LocalWorkflow {
  const machine = new StateMachine(localDefinition() as never);
  const taskResourceLocalHandlers = Object.fromEntries(
    TASK_NAMES.map((task) => [task, async (input: unknown) => asJson(await handlers[task](asJson(input)))]),
  );
  return {
    run(input) {
      const execution = machine.run(asJson(input), {
        overrides: { taskResourceLocalHandlers },
        noThrowOnAbort: true,
      });
      return { result: execution.result, abort: execution.abort };
    },
  };
}
