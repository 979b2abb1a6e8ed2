/**
 * The one error type of the domain core. A use case throws a `DomainError` saying what kind of refusal it is
 * (the request is invalid, the thing does not exist, the caller may not, the state does not allow it, …),
 * in words a person can act on, with the fields at fault. The HTTP edge (functions/platform/http.ts) turns
 * the kind into a status code in one place; the domain never speaks HTTP.
 */

export const DOMAIN_ERROR_KINDS = [
  /** The request is malformed or a value is out of range. */
  'invalid',
  /** Well-formed, but incomplete or inconsistent (a submission without any way to contact the person). */
  'unprocessable',
  /** No such thing, or not one the caller may see (another rep's lead answers the same). */
  'not_found',
  /** The caller is known but may not do this. */
  'forbidden',
  /** No verified caller. */
  'unauthorized',
  /** The thing is in a state that does not allow this (a draft already sent, a lead changed meanwhile). */
  'conflict',
  /** Too many requests from this source; try again after `retryAfterSeconds`. */
  'too_many',
  /** A dependency is unavailable; nothing was done, try again. */
  'unavailable',
  /** The body is larger than allowed. */
  'too_large',
  /** The body's media type is not one we read. */
  'unsupported_media',
] as const;
export type DomainErrorKind = (typeof DOMAIN_ERROR_KINDS)[number];

/** A field at fault and what is wrong with it; `messageNl` when a prospect may read it. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
  readonly messageNl?: string;
}

export interface DomainErrorOptions {
  /** The one field at fault (becomes an issue with the error's message when `issues` is not given). */
  readonly field?: string;
  readonly issues?: readonly FieldIssue[];
  readonly retryAfterSeconds?: number;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly issues: readonly FieldIssue[];
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.issues = options.issues ?? (options.field ? [{ field: options.field, message }] : []);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
