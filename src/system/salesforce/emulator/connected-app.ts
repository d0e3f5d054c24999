/**
 * The sandbox connected app as an admin configured it: the certificate its JWT bearer flow
 * checks assertions against (none until one is uploaded: `jwtPublicKeyPem`, a PEM public key
 * or X.509 certificate, through `POST /_emulator/settings`), the user pre-authorized for it, and
 * the refresh-token policy (`refreshTokenExpiresAt`: when the sandbox refresh token stops
 * working; absent: valid until revoked, Salesforce's default policy).
 */
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } as const;
/** The integration user pre-authorized for the sandbox app (the JWT bearer flow's `sub`). */
export const SANDBOX_USERNAME = 'integration@junction.sandbox';

export class ConnectedApp {
  jwtKey: KeyObject | undefined;
  private jwtKeyPem: string | undefined;
  /** Epoch ms when the sandbox refresh token expires; undefined: never. */
  refreshTokenExpiresAt: number | undefined;

  static readonly SETTINGS = ['jwtPublicKeyPem', 'refreshTokenExpiresAt'] as const;

  /** Applies `jwtPublicKeyPem` / `refreshTokenExpiresAt` (null clears either); throws naming a bad value. */
  apply(changes: Record<string, unknown>): void {
    if ('jwtPublicKeyPem' in changes) {
      const pem = changes.jwtPublicKeyPem;
      if (pem === null) [this.jwtKey, this.jwtKeyPem] = [undefined, undefined];
      else if (typeof pem !== 'string') throw new Error('jwtPublicKeyPem must be a PEM public key or certificate, or null');
      else [this.jwtKey, this.jwtKeyPem] = [publicKeyOf(pem), pem];
    }
    if ('refreshTokenExpiresAt' in changes) {
      const at = changes.refreshTokenExpiresAt;
      const ms = typeof at === 'string' ? Date.parse(at) : NaN;
      if (at !== null && Number.isNaN(ms)) throw new Error('refreshTokenExpiresAt must be an ISO date-time, or null');
      this.refreshTokenExpiresAt = at === null ? undefined : ms;
    }
  }

  /** The settings an admin made (an unset one is left out, as the org's defaults are). */
  view(): Record<string, unknown> {
    return {
      ...(this.jwtKeyPem ? { jwtPublicKeyPem: this.jwtKeyPem } : {}),
      ...(this.refreshTokenExpiresAt === undefined ? {} : { refreshTokenExpiresAt: new Date(this.refreshTokenExpiresAt).toISOString() }),
    };
  }

  /** Whether the sandbox refresh token is still good at `now` (revocation is the token registry's). */
  refreshTokenLive(now: number): boolean {
    return this.refreshTokenExpiresAt === undefined || this.refreshTokenExpiresAt > now;
  }
}

function publicKeyOf(pem: string): KeyObject {
  try {
    return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch {
    throw new Error('jwtPublicKeyPem is neither a PEM public key nor an X.509 certificate');
  }
}
