import type { KeyObject } from 'node:crypto';
import type { AsymmetricAlgorithm } from './types.js';

/** What a JWKS-backed verifier accepts: every asymmetric algorithm, never HMAC or `none`. */
export const ASYMMETRIC_ALGORITHMS: readonly AsymmetricAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

const MIN_RSA_BITS = 2048;

const EC_CURVES: Readonly<Record<string, AsymmetricAlgorithm>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

/**
 * The algorithms a public key may verify. Deriving them from the key, rather than trusting the
 * token's `alg` header, is what defeats algorithm confusion (e.g. HS256 keyed with the PEM text).
 */
export function algorithmsForKey(key: KeyObject): readonly AsymmetricAlgorithm[] | { problem: string } {
  if (key.type !== 'public') return { problem: 'is not a public key' };
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS)
        return { problem: `RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required` };
      const pss: AsymmetricAlgorithm[] = ['PS256', 'PS384', 'PS512'];
      return key.asymmetricKeyType === 'rsa' ? ['RS256', 'RS384', 'RS512', ...pss] : pss;
    }
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
      const alg = EC_CURVES[curve];
      return alg ? [alg] : { problem: `EC curve ${curve} is not supported (use P-256, P-384 or P-521)` };
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return {
        problem: `key type ${key.asymmetricKeyType ?? 'unknown'} is not supported (use RSA, EC or Ed25519)`,
      };
  }
}
