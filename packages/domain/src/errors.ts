/**
 * Typed domain errors. Code throws these; the API maps them to HTTP responses in one place.
 * Messages are safe to show to the caller (never an ID number or a name).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is malformed or a value is invalid. */
export class ValidationError extends DomainError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super('validation_failed', message, details);
  }
}

/**
 * The thing asked for does not exist (or the caller may not know it exists). Public routes give
 * `message`, a Chinese sentence saying what to do; staff routes name `what` only.
 */
export class NotFoundError extends DomainError {
  constructor(what: string, message = `${what} not found`) {
    super('not_found', message);
  }
}

/** No valid credentials were presented. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('unauthenticated', message);
  }
}

/** The caller is known but not allowed to do this. */
export class ForbiddenError extends DomainError {
  constructor(message = 'Not allowed') {
    super('forbidden', message);
  }
}

/** Someone else changed the object meanwhile (optimistic locking). */
export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/**
 * Optimistic locking of a command: throws {@link ConflictError} when the revision the caller
 * based its change on is not the object's current one (someone else changed it meanwhile).
 */
export function assertExpectedRevision(what: string, id: string, current: number, expected: number): void {
  if (current !== expected)
    throw new ConflictError(
      `${what} ${id} was changed by someone else (now revision ${current}, you sent ${expected}); reload it and try again`,
    );
}

/** The caller sent too many requests of one kind in a short time (HTTP 429). */
export class TooManyRequestsError extends DomainError {
  constructor(message = 'Too many requests; try again later', details?: Readonly<Record<string, unknown>>) {
    super('rate_limited', message, details);
  }
}
