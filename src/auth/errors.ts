import { SpeechgateError, type ErrorCode } from '../errors.js';

export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'alg_not_allowed'
  | 'insufficient_scope'
  | 'key_unavailable';

const MESSAGES: Readonly<Record<AuthFailureReason, string>> = {
  missing: 'authentication required: send a bearer token',
  malformed: 'token is malformed or lacks required claims',
  bad_signature: 'token signature is not valid',
  expired: 'token has expired',
  not_yet_valid: 'token is not valid yet',
  wrong_audience: 'token audience is not accepted',
  wrong_issuer: 'token issuer is not accepted',
  alg_not_allowed: 'token signing algorithm is not allowed',
  insufficient_scope: 'token lacks the required scope',
  key_unavailable: 'signing keys are temporarily unavailable',
};

/** The key set being unreachable is the server's problem, so the client is told to retry later. */
function codeFor(reason: AuthFailureReason): ErrorCode {
  switch (reason) {
    case 'expired':
      return 'token_expired';
    case 'insufficient_scope':
      return 'forbidden';
    case 'key_unavailable':
      return 'not_ready';
    default:
      return 'unauthenticated';
  }
}

/** A rejected credential. Messages are fixed per reason and never contain the token or its claims. */
export class AuthError extends SpeechgateError {
  readonly reason: AuthFailureReason;

  constructor(reason: AuthFailureReason, options?: { cause?: unknown; detail?: string }) {
    const message = options?.detail ? `${MESSAGES[reason]}: ${options.detail}` : MESSAGES[reason];
    super(codeFor(reason), message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.reason = reason;
  }
}
