/**
 * Turns an `Authorization` value (HTTP header, or graphql-ws `connectionParams.authorization`)
 * into a principal. Every failure is counted, and persisted and logged in aggregate (the
 * counter's job) — with the reason, transport, source address and the key's visible prefix,
 * never the presented key.
 *
 * A presented key is checked first: a valid key is let in whatever its address did before,
 * so bad keys from a shared address (NAT, a proxy, a guesser next door) never lock out the
 * valid ones. Only failures count towards the address's throttle — bad keys and keyless
 * requests for protected fields alike — and a throttled address gets 429 for anything that
 * is not a valid key. (Keys are 256-bit random, so the throttle bounds the noise and the work
 * of a flood rather than the odds of a guess.)
 */
import { type ApiKeyService, type AuthFailureCounter, type AuthFailureReason, type AuthThrottle, type Principal, visibleKeyPrefix } from '../../process';

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

export function createAuthenticator(apiKeys: Pick<ApiKeyService, 'verify'>, failures: AuthFailureCounter, throttle: AuthThrottle): Authenticator {
  const fail = (reason: AuthFailureReason, transport: Transport, remote?: string, keyPrefix?: string): void => {
    failures.record(reason, transport, { sourceAddress: remote, keyPrefix });
    if (reason !== 'THROTTLED') throttle.noteFailure(remote);
  };
  /** The failure to answer: THROTTLED while the address is throttled, else the reason itself. */
  const refuse = (reason: Exclude<AuthFailureReason, 'THROTTLED'>, transport: Transport, remote?: string, keyPrefix?: string): AuthOutcome => {
    const retryAfterSeconds = throttle.retryAfterSeconds(remote);
    if (retryAfterSeconds > 0) {
      // No key prefix: throttled guesses of many keys are one kind, summed into one row a minute.
      fail('THROTTLED', transport, remote);
      return { ok: false, reason: 'THROTTLED', retryAfterSeconds };
    }
    fail(reason, transport, remote, keyPrefix);
    return { ok: false, reason };
  };
  return {
    fail: (reason, transport, remote) => fail(reason, transport, remote),
    async authenticate(authorization, transport, remote) {
      if (authorization === undefined || authorization === null || authorization === '') {
        // Keyless: a failure only if a protected field is asked for (fail('MISSING')), but a throttled address waits.
        const retryAfterSeconds = throttle.retryAfterSeconds(remote);
        if (retryAfterSeconds === 0) return { ok: true, principal: null };
        fail('THROTTLED', transport, remote);
        return { ok: false, reason: 'THROTTLED', retryAfterSeconds };
      }
      const match = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
      if (!match) return refuse('MALFORMED', transport, remote);
      const key = match[1]!;
      const principal = await apiKeys.verify(key);
      if (principal) return { ok: true, principal };
      return refuse('UNKNOWN_KEY', transport, remote, key.startsWith('jk_') ? visibleKeyPrefix(key) : undefined);
    },
  };
}
