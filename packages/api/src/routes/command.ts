import type { AuditAction, AuditTarget } from '@jiandu/domain/audit';
import { NotFoundError, ValidationError } from '@jiandu/domain/errors';
import type { Context } from 'hono';
import * as z from 'zod';
import { assertTownship, type Principal, requirePrincipal } from '../auth.js';
import { recordAudit } from './audit.js';
import { ObjectId } from './schemas.js';
import { type ApiDeps, type AppEnv, clockOf, parse, parseBody } from './types.js';

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

/**
 * The loader of objects a path names that belong to a township (leads by `township`,
 * reports by their `office`): a missing one and one the caller may not see are the same
 * NotFoundError, so ids of other townships' objects can't be probed.
 */
export function townshipObjectInPath<T>(
  what: 'Lead' | 'Report',
  param: string,
  get: (id: string) => Promise<T | undefined>,
  townshipOf: (target: T) => string | null | undefined,
): (c: Context<AppEnv>) => Promise<{ target: T; principal: Principal }> {
  const Param = z.object({ [param]: ObjectId });
  return async (c) => {
    const principal = requirePrincipal(c.get('principal'));
    const id = parse(Param, c.req.param(), 'path')[param] as string;
    const target = await get(id);
    if (!target) throw new NotFoundError(what);
    assertTownship(principal, townshipOf(target), what);
    return { target, principal };
  };
}

/** The optional note of a command body, as the command carries it. */
export function withNote(body: { note?: string | undefined }): { note?: string } {
  return body.note ? { note: body.note } : {};
}

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
    toCommand: (body: B, principal: Principal, target: T) => C | Promise<C>,
  ) =>
    async (c: Context<AppEnv>): Promise<Response> => {
      const { target, principal } = await flow.load(c);
      const body = await parseBody(schema, c);
      const expected = expectedRevisionOf(c, body, flow.noun);
      const command = await toCommand(body, principal, target);
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
