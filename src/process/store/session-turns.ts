/**
 * Turns at the embedded store's one session, so the API keeps answering while a sync writes.
 *
 * Embedded PGlite serves one session (STACK.md "Embedded PostgreSQL"): the pool that reaches
 * it holds one connection, and a sync transaction holds it until it commits. The pool hands
 * the connection out first come, first served, which let a sync take it back between two
 * statements of one API request: a Contacts read (four statements, one after another) waited
 * behind up to four sync transactions, and /readyz behind two or three. Measured with 4,000
 * demo people: /readyz p99 5.2 s, Contacts p99 5.0 s.
 *
 * So on a single-session store the sync asks for its turn before each transaction
 * (`sessionTurn`): it waits while anyone else waits for or holds the session, and until the
 * session has been quiet for a moment (an API request's next statement follows its previous
 * one within milliseconds). The wait is capped: under a constant stream of reads the sync
 * still writes, one transaction per cap. On PostgreSQL every session is a real backend and
 * the API has its own pool (api-pool.ts): no turns are taken there.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** Quiet this long after the session's last use before the sync takes it. */
const QUIET_MS = 15;
/** The longest the sync waits for its turn before it takes the session anyway. */
const MAX_WAIT_MS = 1_000;
const POLL_MS = 5;

interface SessionWatch {
  pool: Pool;
  lastUse: number;
}

const watched = new WeakMap<DataSource, SessionWatch>();

/** Marks an initialised data source as one over a single session (database.ts, data-source.ts): its sync takes turns. */
export function watchSingleSession(db: DataSource): void {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const watch: SessionWatch = { pool, lastUse: performance.now() };
  const used = () => void (watch.lastUse = performance.now());
  pool.on('acquire', used);
  pool.on('release', used);
  watched.set(db, watch);
}

/** True when `db` reaches its database through one session (embedded PGlite): long transactions there hold everyone else up. */
export function isSingleSession(db: DataSource): boolean {
  return watched.has(db);
}

/** True when someone other than the caller waits for or holds the session, or used it a moment ago. */
function othersUsing(watch: SessionWatch): boolean {
  const { pool } = watch;
  return pool.waitingCount > 0 || pool.idleCount < pool.totalCount || performance.now() - watch.lastUse < QUIET_MS;
}

/**
 * Waits (at most `maxWaitMs`) until the one session is free and quiet; at once on PostgreSQL.
 * Call it holding no connection, before a transaction that other work should not wait behind.
 * Resolves to the milliseconds waited.
 */
export async function sessionTurn(db: DataSource, maxWaitMs = MAX_WAIT_MS): Promise<number> {
  const watch = watched.get(db);
  if (!watch) return 0;
  const started = performance.now();
  while (othersUsing(watch) && performance.now() - started < maxWaitMs) await new Promise((r) => setTimeout(r, POLL_MS));
  return performance.now() - started;
}
