import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import type { AuthConfig, JwksAuth } from '../config/types.js';
import { hasScope, principalFromClaims, type Principal } from './claims.js';
import { AuthError, type AuthFailureReason } from './errors.js';

export interface TokenVerifier {
  /** Resolves with the principal, or rejects with AuthError. Never logs the token. */
  verify(token: string, requiredScope: string): Promise<Principal>;
  /** Stops background key fetches (JWKS only). */
  close?(): void;
}

/** Far above any real JWT; bounds the work an unauthenticated peer can cause. */
const MAX_TOKEN_CHARS = 16 * 1024;

/** Marks a failure to obtain keys, as opposed to a token that matches none of them. */
class KeyFetchFailed extends Error {}

export function createTokenVerifier(auth: AuthConfig): TokenVerifier {
  const options: JWTVerifyOptions = {
    clockTolerance: auth.clockSkewSeconds,
    requiredClaims: ['exp'],
    ...(auth.audience !== undefined && { audience: auth.audience }),
    ...(auth.issuer !== undefined && { issuer: auth.issuer }),
  };
  switch (auth.mode) {
    case 'secret':
    case 'dev':
      return keyVerifier(auth.secret, { ...options, algorithms: ['HS256'] });
    case 'public_key':
      return keyVerifier(createPublicKey(auth.publicKeyPem), {
        ...options,
        algorithms: [...auth.algorithms],
      });
    case 'jwks':
      return jwksVerifier(auth, { ...options, algorithms: [...auth.algorithms] });
  }
}

function keyVerifier(key: Uint8Array | KeyObject, options: JWTVerifyOptions): TokenVerifier {
  return {
    verify: (token, requiredScope) =>
      checked(token, requiredScope, async () => (await jwtVerify(token, key, options)).payload),
  };
}

function jwksVerifier(auth: JwksAuth, options: JWTVerifyOptions): TokenVerifier {
  const closing = new AbortController();
  const remote = createRemoteJWKSet(new URL(auth.jwksUrl), {
    cooldownDuration: auth.jwks.cooldownSeconds * 1000,
    cacheMaxAge: auth.jwks.cacheMaxAgeSeconds * 1000,
    timeoutDuration: auth.jwks.timeoutMs,
    [customFetch]: (url, init) =>
      fetch(url, { ...init, signal: AbortSignal.any([init.signal, closing.signal]) }),
  });
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
        throw err;
      throw new KeyFetchFailed('JWKS unavailable', { cause: err });
    }
  };

  const verifyPayload = async (token: string): Promise<JWTPayload> => {
    if (closing.signal.aborted) throw new KeyFetchFailed('verifier closed');
    try {
      return (await jwtVerify(token, getKey, options)).payload;
    } catch (err) {
      if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
      // Several keys fit a token without `kid` (common mid-rotation): the right one is the one that verifies.
      for await (const key of err) {
        try {
          return (await jwtVerify(token, key, options)).payload;
        } catch (inner) {
          if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
        }
      }
      throw new errors.JWSSignatureVerificationFailed();
    }
  };

  return {
    verify: (token, requiredScope) => checked(token, requiredScope, () => verifyPayload(token)),
    close: () => closing.abort(),
  };
}

async function checked(
  token: string,
  requiredScope: string,
  verifyPayload: () => Promise<JWTPayload>,
): Promise<Principal> {
  if (token === '') throw new AuthError('missing');
  if (token.length > MAX_TOKEN_CHARS) throw new AuthError('malformed', { detail: 'token too long' });
  let payload: JWTPayload;
  try {
    payload = await verifyPayload();
  } catch (err) {
    throw toAuthError(err);
  }
  const principal = principalFromClaims(payload);
  if (!hasScope(principal.scopes, requiredScope)) {
    throw new AuthError('insufficient_scope', { detail: `requires ${requiredScope}` });
  }
  return principal;
}

/** jose errors carry the claims set; they are not kept as `cause` so a logged error cannot leak it. */
function toAuthError(err: unknown): AuthError {
  if (err instanceof KeyFetchFailed) return new AuthError('key_unavailable', { cause: err.cause });
  return new AuthError(reasonFor(err));
}

function reasonFor(err: unknown): AuthFailureReason {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' || err.claim === 'iat') return 'not_yet_valid';
    if (err.claim === 'aud') return 'wrong_audience';
    if (err.claim === 'iss') return 'wrong_issuer';
    return 'malformed';
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported)
    return 'alg_not_allowed';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed';
  // Unknown kid, failed signature, or a key jose refuses for the algorithm (e.g. a short RSA key).
  return 'bad_signature';
}
