/**
 * Authorization codes an emulator's consent page issued, for its token route's
 * `authorization_code` grant: each single use, valid 10 minutes (Entra ID's life; Salesforce
 * allows 15), bound to the client, the redirect URI and the PKCE challenge (S256 only).
 * https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 */
import { createHash, randomBytes } from 'node:crypto';

export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  expiresAt: number;
}

/** Why a code was not redeemed; each vendor words it its own way. */
export type CodeRefusal = 'unknown_code' | 'expired_code' | 'client_mismatch' | 'redirect_mismatch' | 'missing_verifier' | 'bad_verifier';

export type Redemption = { ok: true; code: IssuedCode } | { ok: false; refusal: CodeRefusal };

export const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

export class AuthorizationCodes {
  private codes = new Map<string, IssuedCode>();

  issue(grant: Omit<IssuedCode, 'expiresAt'>, now: number): string {
    for (const [code, issued] of this.codes) if (issued.expiresAt <= now) this.codes.delete(code);
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { ...grant, expiresAt: now + CODE_LIFETIME_MS });
    return code;
  }

  /** Redeems a code once: any attempt that names a known code uses it up, as the vendors do. */
  redeem(code: string | null, proof: { clientId: string | null; redirectUri: string | null; codeVerifier: string | null }, now: number): Redemption {
    const issued = code ? this.codes.get(code) : undefined;
    if (!issued) return { ok: false, refusal: 'unknown_code' };
    this.codes.delete(code!);
    if (issued.expiresAt <= now) return { ok: false, refusal: 'expired_code' };
    if (proof.clientId !== issued.clientId) return { ok: false, refusal: 'client_mismatch' };
    if (proof.redirectUri !== issued.redirectUri) return { ok: false, refusal: 'redirect_mismatch' };
    if (!proof.codeVerifier) return { ok: false, refusal: 'missing_verifier' };
    if (s256(proof.codeVerifier) !== issued.codeChallenge) return { ok: false, refusal: 'bad_verifier' };
    return { ok: true, code: issued };
  }
}
