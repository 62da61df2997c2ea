// The polyfill must be evaluated before aws-local-stepfunctions: keep this import first.
import './polyfill.js';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTION_ENTRIES } from '@jiandu/pipeline/contracts';
import { collisionDefinitionString, substitute, TASKS, type TaskName } from '@jiandu/pipeline/definition';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { LOCAL_ACCOUNT, LOCAL_REGION, type WorkflowEvent } from './events.js';

/** One task state's implementation: state input in, task result out (both JSON). */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** Every task state of the workflow with its implementation. */
export type TaskHandlers = Readonly<Record<TaskName, TaskHandler>>;

/** The task names, in the order the workflow uses them. */
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

/** The ARN a task's function would have if deployed in the local account (only used for substitution). */
export function localFunctionArn(task: TaskName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:jiandu-${task}`;
}

/** The deployed definition: the shared ASL with every `${…FunctionArn}` replaced by a local ARN. */
export function localDefinition(): Record<string, unknown> {
  const values: Record<string, string> = {};
  for (const task of TASK_NAMES) values[TASKS[task]] = localFunctionArn(task);
  return JSON.parse(substitute(collisionDefinitionString(), values)) as Record<string, unknown>;
}

/** Lambda's 15-minute maximum, which is what `getRemainingTimeInMillis` counts down from. */
const LAMBDA_TIMEOUT_MS = 15 * 60 * 1000;

/** A Lambda context object good enough for handlers (and Powertools) that read it. */
export function lambdaContext(task: TaskName): Context {
  const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
  const functionName = `jiandu-${task}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(task),
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type LambdaHandler = (event: unknown, context: Context) => unknown;

/**
 * The real handlers: each task calls the `handler` export of its module in
 * {@link FUNCTION_ENTRIES}, imported on first use (so the environment is already set, and a
 * module that fails to load fails that execution with the import error instead of the start).
 */
export function moduleTaskHandlers(repoRoot: string): TaskHandlers {
  const make = (task: TaskName): TaskHandler => {
    let loaded: Promise<LambdaHandler> | undefined;
    const load = async (): Promise<LambdaHandler> => {
      const url = pathToFileURL(resolve(repoRoot, FUNCTION_ENTRIES[task])).href;
      const module = (await import(url)) as { handler?: unknown };
      if (typeof module.handler !== 'function') {
        throw new Error(`${FUNCTION_ENTRIES[task]} has no 'handler' export`);
      }
      return module.handler as LambdaHandler;
    };
    return async (input) => {
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined; // retry the import next time (the file may be fixed meanwhile)
        throw error;
      });
      const handler = await loaded;
      return handler(input, lambdaContext(task));
    };
  };
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
