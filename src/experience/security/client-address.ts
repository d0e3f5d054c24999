/**
 * The client's address, for the bad-key throttle and the failure log. Behind a reverse proxy
 * every request comes from the proxy and the client is named in `X-Forwarded-For` — but anyone
 * can send that header, so it is believed only from a peer listed in JUNCTION_TRUSTED_PROXIES,
 * and then only back to the first hop that is not a trusted proxy. proxy-addr does the walk,
 * as it does for express's `trust proxy` (set to the same list, so `req.ip` agrees).
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

export interface ClientAddress {
  /** For express's `trust proxy` setting. */
  trust: (addr: string, hop: number) => boolean;
  /** The client's address: the peer, or the nearest untrusted hop behind trusted proxies. */
  of(req: IncomingMessage): string | undefined;
}

/** `trustedProxies`: IP addresses, CIDR ranges, or proxy-addr's names (loopback, linklocal, uniquelocal). */
export function clientAddress(trustedProxies: readonly string[]): ClientAddress {
  const trust = proxyAddr.compile([...trustedProxies]);
  return {
    trust,
    of: (req) => (trustedProxies.length === 0 ? req.socket.remoteAddress : proxyAddr(req, trust)),
  };
}
