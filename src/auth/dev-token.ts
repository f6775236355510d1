import { SignJWT } from 'jose';

export interface DevTokenOptions {
  tenant?: string;
  ttlSeconds: number;
  /** Set these when the server checks aud/iss, or the printed token would be refused. */
  audience?: string;
  issuer?: string;
}

/** An HS256 token granting all of 'tts', for the ready-to-use URL printed in dev mode. */
export async function signDevToken(secret: Uint8Array, options: DevTokenOptions): Promise<string> {
  const jwt = new SignJWT({ scope: 'tts', tenant: options.tenant ?? 'dev' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('dev')
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds}s`);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  return jwt.sign(secret);
}
