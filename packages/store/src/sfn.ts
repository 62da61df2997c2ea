import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { collisionRequestEvent } from '@jiandu/domain/collision-request';
import type { CollisionStarter } from '@jiandu/domain/ports';

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
