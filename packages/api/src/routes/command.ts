import type { AuditAction, AuditTarget } from '@jiandu/domain/audit';
import { ValidationError } from '@jiandu/domain/errors';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { Principal } from '../auth.js';
import { recordAudit } from './audit.js';
import { type ApiDeps, type AppEnv, clockOf, parseBody } from './types.js';

/** Who changes an object, as its history records them. */
export interface CommandActor {
  readonly subject: string;
  readonly name?: string;
}

/**
 * How one kind of object (leads, reports) goes through the command flow of
 * {@link commandHandler}: load → jurisdiction → command → conditional write → audit.
 */
export interface CommandFlow<
  T extends { readonly revision: number },
  C extends { readonly action: string },
  W,
> {
  /** What the object is called in the `If-Match` message: `线索`, `举报`. */
  readonly noun: string;
  /** The object of the request, jurisdiction checked: one the caller may not see is a NotFoundError. */
  load(c: Context<AppEnv>): Promise<{ target: T; principal: Principal }>;
  /** The pure transition: validates the command, checks the expected revision, bumps it. */
  apply(target: T, command: C, actor: CommandActor, at: string, expectedRevision: number): T;
  /** The conditional write (a RevisionConflictError when someone else wrote first); returns what `view` needs. */
  write(previous: T, next: T): Promise<W>;
  /** The audit entry of a change. */
  readonly audit: { readonly action: AuditAction; readonly target: (next: T) => AuditTarget };
  /** The answer to the caller. */
  view(next: T, written: W, principal: Principal, at: string): unknown;
}

/** The body fields of every command. */
type CommandBody = { expectedRevision?: number | undefined };

/** The revision the client based its change on: `expectedRevision` in the body, or `If-Match`. */
export function expectedRevisionOf(c: Context<AppEnv>, body: CommandBody, noun: string): number {
  if (body.expectedRevision !== undefined) return body.expectedRevision;
  const header = c.req.header('if-match');
  const match = header ? /^(?:W\/)?"?(\d+)"?$/.exec(header.trim()) : null;
  if (header && !match)
    throw new ValidationError(`If-Match 应为${noun}的版本号，如 "3"`, { field: 'If-Match' });
  if (!match?.[1])
    throw new ValidationError('版本号（expectedRevision，或 If-Match 请求头）必填，以免覆盖他人的修改', {
      field: 'expectedRevision',
    });
  return Number(match[1]);
}

/**
 * The handler factory of a flow's commands: jurisdiction first (an object the caller may not
 * see is a 404 whatever the body), then the body, the revision, the command, the transition,
 * the conditional write, the audit entry, the `ETag` and the view.
 */
export function commandHandler<
  T extends { readonly revision: number },
  C extends { readonly action: string },
  W,
>(deps: ApiDeps, flow: CommandFlow<T, C, W>) {
  const now = clockOf(deps);
  return <B extends CommandBody>(
    schema: z.ZodType<B>,
    toCommand: (body: B, principal: Principal) => C | Promise<C>,
  ) =>
    async (c: Context<AppEnv>): Promise<Response> => {
      const { target, principal } = await flow.load(c);
      const body = await parseBody(schema, c);
      const expected = expectedRevisionOf(c, body, flow.noun);
      const command = await toCommand(body, principal);
      const actor = { subject: principal.subject, ...(principal.name ? { name: principal.name } : {}) };
      const at = now();
      const next = flow.apply(target, command, actor, at, expected);
      const written = await flow.write(target, next);
      await recordAudit(deps, c, flow.audit.action, {
        ...flow.audit.target(next),
        command: command.action,
        revision: next.revision,
      });
      c.header('ETag', `"${next.revision}"`);
      return c.json(await flow.view(next, written, principal, at));
    };
}
