/**
 * Open graphql-ws sockets by API key id, so revoking a key closes its sockets at once
 * (this instance) and a periodic sweep closes them on every other instance (which learn
 * of the revocation from the database). Close code 4403: the key no longer allows this.
 */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

export const WS_CLOSE_REVOKED = 4403;

/** What one client may hold open: every subscription keeps an execution and its buffers in memory. */
export interface SubscriptionLimits {
  /** Operations open at once on one socket. @default 25 */
  maxPerSocket: number;
  /** Sockets open at once under one API key (on this instance). @default 20 */
  maxSocketsPerKey: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = { maxPerSocket: 25, maxSocketsPerKey: 20 };

export class SocketRegistry {
  private byKey = new Map<string, Set<ClosableSocket>>();

  add(keyId: string, socket: ClosableSocket): void {
    const set = this.byKey.get(keyId) ?? new Set();
    set.add(socket);
    this.byKey.set(keyId, set);
  }

  remove(keyId: string, socket: ClosableSocket): void {
    const set = this.byKey.get(keyId);
    set?.delete(socket);
    if (set?.size === 0) this.byKey.delete(keyId);
  }

  keyIds(): string[] {
    return [...this.byKey.keys()];
  }

  count(keyId: string): number {
    return this.byKey.get(keyId)?.size ?? 0;
  }

  /** Closes every socket of the key; returns how many were open. */
  closeKey(keyId: string): number {
    const set = this.byKey.get(keyId);
    this.byKey.delete(keyId);
    for (const socket of set ?? []) socket.close(WS_CLOSE_REVOKED, 'API key revoked');
    return set?.size ?? 0;
  }

  /** Checks, every `intervalMs`, which registered keys were revoked elsewhere and closes their sockets. */
  sweepEvery(intervalMs: number, revokedAmong: (ids: string[]) => Promise<string[]>, onError: (err: unknown) => void): () => void {
    const timer = setInterval(() => {
      const ids = this.keyIds();
      if (ids.length === 0) return;
      revokedAmong(ids).then((revoked) => revoked.forEach((id) => this.closeKey(id)), onError);
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
