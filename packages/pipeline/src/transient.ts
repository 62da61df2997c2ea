/**
 * Transient faults: errors that say nothing about the data or the code, only that a service
 * was briefly unreachable or busy (a reset connection, a timeout, throttling, a 5xx). A task
 * that meets one after its SDK client's own retries surfaces it as {@link TransientError},
 * and the workflow's `Retry` runs the task again with back-off and jitter; every other error
 * fails the execution at once (it would fail the same way again).
 */

/** The error name the workflow's `Retry` matches (Lambda reports a thrown error's `name` as its type). */
export const TRANSIENT_ERROR = 'TransientError';

/** A task error worth retrying; `cause` is the error as it was met. */
export class TransientError extends Error {
  constructor(cause: unknown) {
    super(`暂时性故障，稍后自动重试：${describe(cause)}`, { cause });
    this.name = TRANSIENT_ERROR;
  }
}

/** Node's socket-level codes of a connection that broke or never came up. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Error names (SDK exceptions, Node's timeouts) meaning "busy, try again later". */
const TRANSIENT_NAMES = new Set([
  TRANSIENT_ERROR,
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalServerError',
  'InternalFailure',
  'TransactionInProgressException',
]);

const TRANSIENT_MESSAGE =
  /\b(ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|Client network socket disconnected)\b/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
}

function describe(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/**
 * Whether `error` is transient: a network reset or timeout, throttling, or a server-side
 * (5xx) answer, judged by name, Node error code, HTTP status and message, and through its
 * `cause` chain (a store adapter may wrap the SDK's error). 4xx answers other than throttling
 * (validation, conditional-check failures, access denied) are not transient.
 */
export function isTransient(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as ErrorLike;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (typeof e.$retryable === 'object' && e.$retryable !== null) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGE.test(e.message)) return true;
  return isTransient(e.cause, depth + 1);
}

/**
 * Wrap a task handler so that a transient error leaves it as a {@link TransientError} (which
 * the workflow retries) and every other error unchanged.
 */
export function surfaceTransientErrors<A extends unknown[], R>(
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof TransientError || !isTransient(error)) throw error;
      throw new TransientError(error);
    }
  };
}
