/**
 * Following the workflow executions that uploads start, through the Step Functions API
 * (the real one, or the local platform's emulation of it): executions are matched to
 * uploads through their input, the EventBridge event's `detail.object.key`.
 */
import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  ListExecutionsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';

/** One execution as far as the command line cares. */
export interface ExecutionView {
  readonly executionArn: string;
  readonly status: ExecutionStatus | string;
  /** The uploaded key (one of ours) it works on; undefined for anything else. */
  readonly key: string | undefined;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** Whether an execution has finished, one way or another. */
export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

/**
 * The keys an execution may work on, from its input: the key as given and, since S3
 * notifications URL-encode keys (`红 旗.csv` → `%E7%BA%A2+%E6%97%97.csv`), decoded.
 */
export function inputKeys(input: string | undefined): string[] {
  if (!input) return [];
  let event: unknown;
  try {
    event = JSON.parse(input);
  } catch {
    return [];
  }
  const key = (event as { detail?: { object?: { key?: unknown } } } | null)?.detail?.object?.key;
  if (typeof key !== 'string') return [];
  try {
    return [key, decodeURIComponent(key.replace(/\+/g, ' '))];
  } catch {
    return [key];
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One execution as the command line sees it; `keyOf` picks the uploaded key from its input. */
async function describe(
  sfn: SFNClient,
  executionArn: string,
  keyOf: (input: string | undefined) => string | undefined,
): Promise<ExecutionView> {
  const res = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return {
    executionArn,
    status: res.status ?? 'RUNNING',
    key: keyOf(res.input),
    ...(res.output !== undefined ? { output: parseJson(res.output) } : {}),
    ...(res.error !== undefined ? { error: res.error } : {}),
    ...(res.cause !== undefined ? { cause: res.cause } : {}),
  };
}

/** Options of {@link ExecutionWatcher}. */
export interface WatchOptions {
  /** Executions started before this instant are not ours (allow for clock skew). */
  readonly since: Date;
  /** Poll interval. */
  readonly pollMs?: number;
}

/**
 * Watches one state machine for the executions of a set of uploaded keys. Call {@link snapshot}
 * before uploading so executions already there are never mistaken for new ones.
 */
export class ExecutionWatcher {
  readonly #sfn: SFNClient;
  readonly #stateMachineArn: string;
  readonly #since: Date;
  readonly #pollMs: number;
  readonly #known = new Set<string>();
  readonly #ours = new Map<string, ExecutionView>();

  constructor(sfn: SFNClient, stateMachineArn: string, options: WatchOptions) {
    this.#sfn = sfn;
    this.#stateMachineArn = stateMachineArn;
    this.#since = options.since;
    this.#pollMs = options.pollMs ?? 1000;
  }

  /** ARNs of executions started since `since`, newest first (stops paging at older ones). */
  async #recent(): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: this.#stateMachineArn,
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      let older = false;
      for (const e of page.executions ?? []) {
        if (e.startDate && e.startDate < this.#since) {
          older = true;
          continue;
        }
        if (e.executionArn) arns.push(e.executionArn);
      }
      nextToken = older ? undefined : page.nextToken;
    } while (nextToken);
    return arns;
  }

  async #describe(executionArn: string, wanted: ReadonlySet<string>): Promise<ExecutionView> {
    return describe(this.#sfn, executionArn, (input) => inputKeys(input).find((k) => wanted.has(k)));
  }

  /** Remember the executions that exist now: they belong to someone else. */
  async snapshot(): Promise<void> {
    for (const arn of await this.#recent()) this.#known.add(arn);
  }

  /**
   * Wait until every key has at least one execution and all of them have finished. Calls
   * `progress` when an execution of ours finishes. Returns the executions per key.
   *
   * @throws {Error} after `timeoutMs`, naming the files still waiting.
   */
  async waitFor(
    keys: readonly string[],
    timeoutMs: number,
    progress: (execution: ExecutionView) => void = () => {},
  ): Promise<Map<string, ExecutionView[]>> {
    const wanted = new Set(keys);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const arn of await this.#recent()) {
        if (this.#known.has(arn)) continue;
        const view = await this.#describe(arn, wanted);
        this.#known.add(arn);
        // Other executions (other uploads, schedules) are not ours; forget them.
        if (view.key === undefined) continue;
        this.#ours.set(arn, view);
        if (isTerminal(String(view.status))) progress(view);
      }
      for (const [arn, view] of this.#ours) {
        if (isTerminal(String(view.status))) continue;
        const now = await this.#describe(arn, wanted);
        this.#ours.set(arn, now);
        if (isTerminal(String(now.status))) progress(now);
      }
      const byKey = new Map<string, ExecutionView[]>();
      for (const view of this.#ours.values()) {
        if (view.key === undefined) continue;
        byKey.set(view.key, [...(byKey.get(view.key) ?? []), view]);
      }
      const waiting = keys.filter(
        (k) => !byKey.has(k) || byKey.get(k)?.some((v) => !isTerminal(String(v.status))),
      );
      if (waiting.length === 0) return byKey;
      if (Date.now() > deadline) {
        const shown = waiting.slice(0, 10).join('、');
        throw new Error(
          `等待超时（${Math.round(timeoutMs / 1000)} 秒）：${waiting.length} 个文件的处理流程尚未结束或尚未开始：${shown}${waiting.length > 10 ? ' …' : ''}`,
        );
      }
      await new Promise((r) => setTimeout(r, this.#pollMs));
    }
  }
}

/**
 * Wait for one execution (by ARN) to finish and return it.
 *
 * @throws {Error} after `timeoutMs`.
 */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  options: { readonly timeoutMs: number; readonly pollMs?: number },
): Promise<ExecutionView> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const view = await describe(sfn, executionArn, () => undefined);
    if (isTerminal(String(view.status))) return view;
    if (Date.now() > deadline)
      throw new Error(
        `等待超时（${Math.round(options.timeoutMs / 1000)} 秒）：碰撞 ${executionArn} 尚未结束`,
      );
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}
