/**
 * Turns an `Authorization` value (HTTP header, or graphql-ws `connectionParams.authorization`)
 * into a principal. Every failure is counted and logged — with the reason and transport,
 * never the presented key.
 */
import type { Logger } from 'pino';
import type { ApiKeyService, AuthFailureCounter, AuthFailureReason, Principal } from '../../process/access';

export type AuthOutcome = { ok: true; principal: Principal | null } | { ok: false; reason: AuthFailureReason };

export interface Authenticator {
  /** `null` principal: nothing presented (resolvers then answer UNAUTHENTICATED). */
  authenticate(authorization: unknown, transport: 'http' | 'ws', remote?: string): Promise<AuthOutcome>;
  /** Records a failure decided elsewhere (no key presented for a protected field). */
  fail(reason: AuthFailureReason, transport: 'http' | 'ws', remote?: string): void;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function createAuthenticator(apiKeys: Pick<ApiKeyService, 'verify'>, failures: AuthFailureCounter, logger: Logger): Authenticator {
  const fail = (reason: AuthFailureReason, transport: 'http' | 'ws', remote?: string): void => {
    failures.record(reason, transport);
    logger.warn({ reason, transport, remote, failedAuthentications: failures.total }, 'authentication failed');
  };
  return {
    fail,
    async authenticate(authorization, transport, remote) {
      if (authorization === undefined || authorization === null || authorization === '') return { ok: true, principal: null };
      const match = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
      if (!match) {
        fail('MALFORMED', transport, remote);
        return { ok: false, reason: 'MALFORMED' };
      }
      const principal = await apiKeys.verify(match[1]!);
      if (!principal) {
        fail('UNKNOWN_KEY', transport, remote);
        return { ok: false, reason: 'UNKNOWN_KEY' };
      }
      return { ok: true, principal };
    },
  };
}
