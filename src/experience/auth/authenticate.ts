/**
 * Turns an `Authorization` value (HTTP header, or graphql-ws `connectionParams.authorization`)
 * into a principal. Every failure is counted, persisted and logged — with the reason,
 * transport, source address and the key's visible prefix, never the presented key. A
 * source address that keeps presenting bad keys is throttled before any key look-up.
 */
import type { Logger } from 'pino';
import { AuthThrottle, visibleKeyPrefix, type ApiKeyService, type AuthFailureCounter, type AuthFailureReason, type Principal } from '../../process/access';

export type AuthOutcome =
  | { ok: true; principal: Principal | null }
  | { ok: false; reason: Exclude<AuthFailureReason, 'THROTTLED'> }
  | { ok: false; reason: 'THROTTLED'; retryAfterSeconds: number };

export type Transport = 'http' | 'ws';

export interface Authenticator {
  /** `null` principal: nothing presented (resolvers then answer UNAUTHENTICATED). */
  authenticate(authorization: unknown, transport: Transport, remote?: string): Promise<AuthOutcome>;
  /** Records a failure decided elsewhere (no key presented for a protected field). */
  fail(reason: AuthFailureReason, transport: Transport, remote?: string): void;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function createAuthenticator(
  apiKeys: Pick<ApiKeyService, 'verify'>,
  failures: AuthFailureCounter,
  logger: Logger,
  throttle: AuthThrottle = new AuthThrottle(),
): Authenticator {
  const fail = (reason: AuthFailureReason, transport: Transport, remote?: string, keyPrefix?: string): void => {
    failures.record(reason, transport, { sourceAddress: remote, keyPrefix });
    // Only bad keys count towards the throttle: a missing key is not a guess.
    if (reason === 'MALFORMED' || reason === 'UNKNOWN_KEY') throttle.noteFailure(remote);
    const level = reason === 'THROTTLED' ? 'debug' : 'warn';
    logger[level]({ reason, transport, remote, keyPrefix, failedAuthentications: failures.total }, 'authentication failed');
  };
  return {
    fail: (reason, transport, remote) => fail(reason, transport, remote),
    async authenticate(authorization, transport, remote) {
      if (authorization === undefined || authorization === null || authorization === '') return { ok: true, principal: null };
      const retryAfterSeconds = throttle.retryAfterSeconds(remote);
      if (retryAfterSeconds > 0) {
        fail('THROTTLED', transport, remote);
        return { ok: false, reason: 'THROTTLED', retryAfterSeconds };
      }
      const match = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
      if (!match) {
        fail('MALFORMED', transport, remote);
        return { ok: false, reason: 'MALFORMED' };
      }
      const key = match[1]!;
      const principal = await apiKeys.verify(key);
      if (!principal) {
        fail('UNKNOWN_KEY', transport, remote, key.startsWith('jk_') ? visibleKeyPrefix(key) : undefined);
        return { ok: false, reason: 'UNKNOWN_KEY' };
      }
      return { ok: true, principal };
    },
  };
}
