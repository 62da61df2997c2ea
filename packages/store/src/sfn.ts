import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { collisionRequestEvent } from '@jiandu/domain/collision-request';
import { ConflictError, NotFoundError } from '@jiandu/domain/errors';
import type { CollisionStarter, FailedExecution, WorkflowExecutions } from '@jiandu/domain/ports';

/** Starts collision runs on the deployed (or locally emulated) state machine. */
export class StepFunctionsCollisionStarter implements CollisionStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(reason: string, detail: Record<string, unknown>): Promise<string> {
    const event = collisionRequestEvent(reason, detail);
    const out = await this.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        // The event id as execution name: a retried request can't start the run twice.
        name: event.id,
        input: JSON.stringify(event),
      }),
    );
    return out.executionArn ?? event.id;
  }
}

/** The execution ARN of `name` under a state machine (Step Functions' naming). */
function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** What an execution's input says about its start: the trigger and, for an upload, the file. */
function startedBy(input: string | undefined): { trigger: string; file?: string } {
  try {
    const event = JSON.parse(input ?? '{}') as {
      'detail-type'?: unknown;
      detail?: { object?: { key?: unknown } };
    };
    const key = event.detail?.object?.key;
    return {
      trigger: typeof event['detail-type'] === 'string' ? event['detail-type'] : 'unknown',
      ...(typeof key === 'string' ? { file: key } : {}),
    };
  } catch {
    return { trigger: 'unknown' };
  }
}

const iso = (date: Date | undefined): string | undefined => date?.toISOString();

/** Failed collision executions listed and redriven over the Step Functions API (or the local one). */
export class StepFunctionsExecutions implements WorkflowExecutions {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async listFailed(limit: number): Promise<FailedExecution[]> {
    const listed = await this.sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: this.stateMachineArn,
        statusFilter: 'FAILED',
        maxResults: limit,
      }),
    );
    const failed: FailedExecution[] = [];
    // A few at a time: DescribeExecution has its own (small) request rate.
    const executions = listed.executions ?? [];
    for (let i = 0; i < executions.length; i += 5) {
      const described = await Promise.all(
        executions
          .slice(i, i + 5)
          .map((e) => this.sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))),
      );
      for (const d of described) {
        const stoppedAt = iso(d.stopDate);
        failed.push({
          id: d.name ?? '',
          startedAt: iso(d.startDate) ?? '',
          ...(stoppedAt ? { stoppedAt } : {}),
          ...startedBy(d.input),
          error: d.error ?? 'Error',
          cause: d.cause ?? '',
          redrivable: d.redriveStatus === 'REDRIVABLE',
          redriveCount: d.redriveCount ?? 0,
        });
      }
    }
    return failed;
  }

  async redrive(id: string): Promise<{ readonly redrivenAt: string }> {
    try {
      const out = await this.sfn.send(
        new RedriveExecutionCommand({ executionArn: executionArn(this.stateMachineArn, id) }),
      );
      return { redrivenAt: iso(out.redriveDate) ?? new Date().toISOString() };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) throw new NotFoundError('Workflow execution');
      if (error instanceof ExecutionNotRedrivable)
        throw new ConflictError(`该执行无法重新驱动：${error.message}`);
      throw error;
    }
  }
}
