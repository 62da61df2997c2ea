// The polyfill must be evaluated before aws-local-stepfunctions: keep this import first.
import './polyfill.js';
import { FUNCTION_ENTRIES } from '@jiandu/pipeline/contracts';
import {
  collisionDefinitionString,
  LOCAL_DEFINITION,
  substitute,
  TASK_TIMEOUT_SECONDS,
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

/** A task's function name, as Lambda would name it (what the function host's pool sees). */
export function taskFunctionName(task: TaskName): string {
  return `jiandu-${task}`;
}

/**
 * The tasks nobody waits for: the disclosure sync runs beside the collision, whose leads are
 * what the user waits to see. The function host runs them in its background lane
 * (`FunctionHostOptions.background`), so they never starve the collision of workers.
 */
export const BACKGROUND_TASKS: readonly TaskName[] = ['SyncDisclosure'];

/**
 * The real handlers: each task invokes the `handler` export of its entry in
 * {@link FUNCTION_ENTRIES} inside the platform's function host (imported there on first use,
 * so a module that fails to load fails that execution with the import error, not the start),
 * ended at its Lambda timeout (`TASK_TIMEOUT_SECONDS`) as Lambda would.
 */
export function hostTaskHandlers(host: FunctionHost): TaskHandlers {
  const make =
    (task: TaskName): TaskHandler =>
    (input) =>
      host.invoke(FUNCTION_ENTRIES[task], taskFunctionName(task), input, TASK_TIMEOUT_SECONDS[task]);
  return Object.fromEntries(TASK_NAMES.map((task) => [task, make(task)])) as unknown as TaskHandlers;
}

/** JSON round trip, as Lambda's invoke does: handlers never share objects with the interpreter. */
function asJson(value: unknown): never {
  return JSON.parse(JSON.stringify(value ?? null)) as never;
}

/** Where a failed execution stopped: the top-level state that failed and the input it had. */
export interface ResumePoint {
  readonly state: string;
  readonly type: string;
  readonly input: unknown;
}

/** A started execution. */
export interface RunningExecution {
  /**
   * The execution's output; rejects with the interpreter's error. Settles only once the
   * execution's events are read, so {@link RunningExecution.failedAt} is known by then.
   */
  readonly result: Promise<unknown>;
  abort(): void;
  /** After a failure: the top-level state it failed in, with that state's input (what a redrive starts from). */
  failedAt(): ResumePoint | undefined;
}

/** The collision state machine, interpreted locally with the given task implementations. */
export interface LocalWorkflow {
  /** Run from the start, or — a redrive — from `from`'s state with its input. */
  run(input: WorkflowEvent, from?: ResumePoint): RunningExecution;
}

/** Options of {@link createWorkflow}. */
export interface WorkflowOptions {
  /**
   * Tests only: `TimeoutSeconds` of every state of these tasks (the interpreter's default is 60 s),
   * so that a hanging task times out quickly.
   */
  readonly taskTimeoutSeconds?: Partial<Record<TaskName, number>>;
}

const TASK_BY_ARN = new Map(TASK_NAMES.map((task) => [localFunctionArn(task), task]));

/**
 * The task a state of the local definition runs, when it is a Task state (a task may have
 * several states: `SyncDisclosure` runs beside the collision and again as `SyncDisclosureAgain`).
 */
function taskOf(state: unknown): TaskName | undefined {
  const s = state as { Type?: string; Resource?: string } | null;
  return s?.Type === 'Task' ? TASK_BY_ARN.get(s.Resource ?? '') : undefined;
}

/** The local definition with the given task timeouts, starting at `startAt`. */
function definitionFor(options: WorkflowOptions, startAt?: string): Record<string, unknown> {
  const timeouts = options.taskTimeoutSeconds ?? {};
  const definition = JSON.parse(JSON.stringify(localDefinition()), (_key, value) => {
    const task = taskOf(value);
    const seconds = task ? timeouts[task] : undefined;
    return seconds === undefined ? value : { ...value, TimeoutSeconds: seconds };
  }) as Record<string, unknown>;
  return startAt ? { ...definition, StartAt: startAt } : definition;
}

/** Build the collision workflow from the shared definition with `handlers` serving its task states. */
export function createWorkflow(handlers: TaskHandlers, options: WorkflowOptions = {}): LocalWorkflow {
  const machines = new Map<string, StateMachine>();
  const machine = (startAt = ''): StateMachine => {
    let found = machines.get(startAt);
    if (!found) {
      // A redrive starts part-way: the states before it are unreachable, which validation refuses.
      // The whole definition is validated by the machine that starts at the beginning.
      found = startAt
        ? new StateMachine(definitionFor(options, startAt) as never, {
            validationOptions: { noValidate: true },
          })
        : new StateMachine(definitionFor(options) as never);
      machines.set(startAt, found);
    }
    return found;
  };
  // The interpreter finds a task's local handler by the state's name: every Task state (in
  // branches and iterations too) gets the handler of the task its Resource names.
  const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<never>> = {};
  JSON.stringify(localDefinition(), (key, value) => {
    const task = taskOf(value);
    if (task) taskResourceLocalHandlers[key] = async (input) => asJson(await handlers[task](asJson(input)));
    return value;
  });
  const topLevel = new Set(Object.keys(localDefinition().States as Record<string, unknown>));
  return {
    run(input, from) {
      if (from) machine(); // validates the whole definition once
      const execution = machine(from?.state).run(asJson(from ? from.input : input), {
        overrides: { taskResourceLocalHandlers },
        noThrowOnAbort: true,
      });
      // The last top-level state entered is where a failure happened. Map iterations carry an
      // index; a Parallel branch's states come through unmarked, so they are told by name.
      let current: ResumePoint | undefined;
      let failed: ResumePoint | undefined;
      const events = (async () => {
        for await (const event of execution.eventLogs) {
          if (event.type === 'StateEntered' && event.index === undefined && topLevel.has(event.state.name)) {
            current = { state: event.state.name, type: event.state.type, input: event.state.input };
          } else if (event.type === 'ExecutionFailed') {
            failed = current;
          }
        }
      })();
      const result = execution.result.then(
        async (output) => {
          await events;
          return output;
        },
        async (error: unknown) => {
          await events.catch(() => undefined);
          throw error;
        },
      );
      return { result, abort: execution.abort, failedAt: () => failed };
    },
  };
}
