export { AuthError, type AuthFailureReason } from './errors.js';
export { extractToken, selectProtocol, PROTOCOL_NAME, type TokenSources, type TokenVia } from './extract.js';
export { hasScope, sanitizeTenant, SCOPE_SPEECH, SCOPE_STREAM, type Principal } from './claims.js';
export { createTokenVerifier, type TokenVerifier } from './verifier.js';
export { signDevToken, type DevTokenOptions } from './dev-token.js';
export { ASYMMETRIC_ALGORITHMS, algorithmsForKey } from '../config/key-algorithms.js';
