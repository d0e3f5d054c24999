/** The facts health and alerting are computed from, over a window ending at `now` (a parameter, so tests control the clock). */
import { readHealthFacts, type ConnectionFacts, type ExpiringKeyFact, type Latency } from '../store/ops/health-snapshot.read-model';
import type { Queryable } from '../store/queryable';

export { SCHEMA_DRIFT_CODE, type ConnectionFacts, type ExpiringKeyFact, type SyncBlockFact } from '../store/ops/health-snapshot.read-model';

export interface HealthSnapshot {
  at: Date;
  windowMs: number;
  connections: ConnectionFacts[];
  /** API keys with an expiry, not revoked (soonest first); absent in snapshots built without them. */
  expiringKeys?: ExpiringKeyFact[];
  /** Over every connection's deliveries, not an average of averages. */
  latency: Latency;
  /** Pending records with no connection (partner upserts) count towards the total too. */
  quarantineSize: number;
}

export async function loadHealthSnapshot(db: Queryable, now: Date, windowMs: number): Promise<HealthSnapshot> {
  const facts = await readHealthFacts(db, new Date(now.getTime() - windowMs), now);
  const quarantineSize = facts.unassignedQuarantine + facts.connections.reduce((n, c) => n + c.quarantineSize, 0);
  return { at: now, windowMs, connections: facts.connections, expiringKeys: facts.expiringKeys, latency: facts.latency, quarantineSize };
}
