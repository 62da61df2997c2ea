import { DomainError } from '@jiandu/domain/errors';
import { InvalidCursorError } from '@jiandu/store';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const STATUS: Readonly<Record<string, ContentfulStatusCode>> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

/**
 * The one place where errors become HTTP responses: typed domain errors keep their code
 * and message (a storage revision conflict is a ConflictError too: 409); anything else is a
 * 500 whose details stay in the logs.
 */
export function errorResponse(error: Error, c: Context, log: (error: Error) => void): Response {
  if (error instanceof InvalidCursorError) {
    return c.json({ error: { code: 'validation_failed', message: error.message } }, 400);
  }
  if (error instanceof DomainError) {
    const body = {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    };
    const response = c.json(body, STATUS[error.code] ?? 400);
    if (error.code === 'unauthenticated') response.headers.set('WWW-Authenticate', 'Bearer');
    return response;
  }
  log(error);
  return c.json({ error: { code: 'internal', message: '服务器内部出错，请稍后再试' } }, 500);
}
