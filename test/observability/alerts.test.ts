/**
 * Every alert rule with a controllable clock: raised once when its condition starts,
 * resolved when it ends, delivered over graphql-ws to an AlertRaised subscriber and to a
 * local webhook receiver that verifies the HMAC signature.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertKind } from '../../src/process/alerts/alert-rules';
import { AlertWebhook } from '../../src/process/alerts/alert-webhook';
import { AlertService } from '../../src/process/alerts/alert.service';
import { useDatabase } from '../support/database';
import { gql, useHarness } from '../support/harness';
import { insertConnection } from '../support/builders';
import { collect, startWebhookReceiver, waitFor, type Collector, type WebhookReceiver } from './support';

const ALERT_RAISED = `subscription AlertRaised { alertRaised { id kind severity message connection { id } } }`;
const ALERTS = `query Alerts($active: Boolean) { alerts(active: $active) { id kind severity message raisedAt resolvedAt connection { id } } }`;
type Raised = { alertRaised: { id: string; kind: string; severity: string; message: string; connection: { id: string } | null } };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const db = useDatabase();
const h = useHarness(db);
let viewer: string;
let hook: WebhookReceiver;
let alerts: AlertService;
let sub: Collector<Raised>;
const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (offsetMs: number) => new Date(t0.getTime() + offsetMs);

beforeAll(async () => {
  viewer = await h.keyFor('VIEWER');
  hook = await startWebhookReceiver();
  const webhook = new AlertWebhook({ url: hook.url, secret: hook.secret, baseDelayMs: 20 });
  alerts = new AlertService({ db: db.dataSource, events: h.bundle.events, webhook });
  sub = collect<Raised>(h.url, viewer, ALERT_RAISED);
  // The subscription is live once a probe published through the bus comes back.
  const [{ id: probe }] = (await db.dataSource.query(`INSERT INTO alerts (kind, severity, dedupe_key, message, resolved_at) VALUES ('CIRCUIT_OPEN', 'INFO', 'probe', 'probe', now()) RETURNING id`)) as Array<{ id: string }>;
  await waitFor('the subscription to be live', () => {
    h.bundle.events.publish('ALERT_RAISED', { id: probe });
    return sub.events.some((e) => e.alertRaised.id === probe) || undefined;
  });
});

afterAll(async () => {
  await sub?.close();
  await hook?.close();
});

interface Case {
  kind: AlertKind;
  /** Connection columns that make the condition true at t0. */
  connection?: Record<string, unknown>;
  setup?: (connectionId: string) => Promise<void>;
  /** Makes the condition false; returns the time to evaluate at. */
  clear: (connectionId: string) => Promise<Date>;
  severity: string;
}

const setConnection = (id: string, values: Record<string, unknown>) =>
  db.dataSource.query(`UPDATE connections SET ${Object.keys(values).map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...Object.values(values)]);

const CASES: Case[] = [
  {
    kind: 'FAILURE_RATE',
    severity: 'CRITICAL',
    setup: async (id) => {
      // 1 failed run in 21 over the last hour: 4.8 % > 1 %.
      await db.dataSource.query(
        `INSERT INTO sync_runs (connection_id, mode, status, started_at, finished_at, records_read)
         SELECT $1, 'INCREMENTAL', CASE WHEN g = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END, $2, $2, 10 FROM generate_series(0, 20) g`,
        [id, at(-10 * MIN)],
      );
    },
    // An hour later the failed run has left the window.
    clear: async () => at(2 * HOUR),
  },
  {
    kind: 'NO_RECENT_SYNC',
    severity: 'CRITICAL',
    connection: { last_successful_sync_at: at(-45 * MIN) },
    clear: async (id) => (await setConnection(id, { last_successful_sync_at: at(MIN) }), at(2 * MIN)),
  },
  {
    kind: 'TOKEN_EXPIRING_7D',
    severity: 'WARNING',
    connection: { settings: { credentialsExpireAt: at(3 * DAY).toISOString() }, token_expires_at: at(20 * MIN) },
    clear: async (id) => (await setConnection(id, { settings: { credentialsExpireAt: at(60 * DAY).toISOString() } }), at(MIN)),
  },
  {
    kind: 'TOKEN_EXPIRING_1D',
    severity: 'CRITICAL',
    connection: { settings: { credentialsExpireAt: at(12 * HOUR).toISOString() } },
    clear: async (id) => (await setConnection(id, { settings: { credentialsExpireAt: at(60 * DAY).toISOString() } }), at(MIN)),
  },
  {
    kind: 'API_USAGE',
    severity: 'WARNING',
    connection: { api_used: 600, api_limit: 1000 },
    clear: async (id) => (await setConnection(id, { api_used: 10 }), at(MIN)),
  },
  {
    kind: 'CIRCUIT_OPEN',
    severity: 'CRITICAL',
    connection: { circuit: 'OPEN' },
    clear: async (id) => (await setConnection(id, { circuit: 'CLOSED' }), at(MIN)),
  },
  {
    kind: 'SCHEMA_DRIFT',
    severity: 'WARNING',
    setup: async (id) => {
      await db.dataSource.query(
        `INSERT INTO sync_errors (connection_id, fingerprint, error_class, code, message, first_seen_at, last_seen_at)
         VALUES ($1, 'drift-1', 'VALIDATION', 'SCHEMA_DRIFT', 'Contact.Phone is no longer in the describe', $2, $2)`,
        [id, at(-HOUR)],
      );
    },
    // The drift alert stays 24 h after the drift was last seen.
    clear: async () => at(24 * HOUR),
  },
  {
    kind: 'SYNC_LATENCY',
    severity: 'WARNING',
    // 20 deliveries in the last hour, each 10 min after its source change: p95 10 min > 5.
    setup: (id) => insertDeliveries(id, 20, 10 * MIN),
    clear: async () => at(2 * HOUR),
  },
  {
    kind: 'QUARANTINE_BACKLOG',
    severity: 'WARNING',
    setup: async (id) => {
      await db.dataSource.query(
        `INSERT INTO quarantine (connection_id, record_kind, remote_type, remote_id, payload, issues, created_at) VALUES ($1, 'CONTACT', 'Contact', 'q-1', '{}', '[]', $2)`,
        [id, at(-8 * DAY)],
      );
    },
    clear: async (id) => (await db.dataSource.query(`UPDATE quarantine SET status = 'RESOLVED' WHERE connection_id = $1`, [id]), at(MIN)),
  },
  {
    kind: 'SUCCESS_RATE_WARNING',
    severity: 'WARNING',
    // 97 of 100 runs succeeded, 3 partial (nothing failed outright: no FAILURE_RATE).
    setup: (id) => insertRuns(id, 100, 3),
    clear: async () => at(2 * HOUR),
  },
  {
    kind: 'SUCCESS_RATE_CRITICAL',
    severity: 'CRITICAL',
    setup: (id) => insertRuns(id, 10, 1),
    clear: async () => at(2 * HOUR),
  },
];

async function insertDeliveries(connectionId: string, n: number, lagMs: number): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO outbox (connection_id, record_kind, record_id, source_changed_at, delivered_at)
     SELECT $1, 'CONTACT', gen_random_uuid(), $2::timestamptz - $3 * interval '1 millisecond', $2 FROM generate_series(1, $4)`,
    [connectionId, at(-5 * MIN), lagMs, n],
  );
}

async function insertRuns(connectionId: string, n: number, partial: number): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO sync_runs (connection_id, mode, status, started_at, finished_at, records_read)
     SELECT $1, 'INCREMENTAL', CASE WHEN g <= $3 THEN 'PARTIAL' ELSE 'SUCCEEDED' END, $2, $2, 10 FROM generate_series(1, $4) g`,
    [connectionId, at(-10 * MIN), partial, n],
  );
}

describe('alert rules', () => {
  for (const c of CASES) {
    it(`${c.kind}: raised once, delivered to the subscriber and the signed webhook, resolved when the condition clears`, async () => {
      const id = await insertConnection(db.dataSource, { last_successful_sync_at: t0, created_at: at(-DAY), ...c.connection });
      try {
        await c.setup?.(id);
        const mine = (a: { kind: string; connectionId?: unknown; connection?: { id: string } | null }) => a.kind === c.kind && (a.connectionId ?? a.connection?.id) === id;

        const first = await alerts.evaluate(t0);
        expect(first.raised.filter(mine)).toHaveLength(1);
        expect(first.raised.find(mine)!.severity).toBe(c.severity);
        // Evaluating again while the condition holds raises nothing new.
        const second = await alerts.evaluate(at(MIN));
        expect(second.raised.filter(mine)).toHaveLength(0);
        const rows = (await db.dataSource.query(`SELECT count(*)::int AS n FROM alerts WHERE kind = $1 AND connection_id = $2`, [c.kind, id])) as Array<{ n: number }>;
        expect(rows[0]!.n).toBe(1);

        const event = await waitFor('the AlertRaised event', () => sub.events.map((e) => e.alertRaised).find((a) => mine(a)));
        expect(event.severity).toBe(c.severity);
        expect(event.message.length).toBeGreaterThan(10);
        const raisedHook = await waitFor('the raised webhook', () => hook.received.find((d) => d.event === 'alert.raised' && mine(d.body as { kind: string; connectionId: string })));
        expect(raisedHook.body).toMatchObject({ id: event.id, kind: c.kind, severity: c.severity, resolvedAt: null });

        const active = await gql<{ alerts: Array<{ id: string }> }>(h.url, ALERTS, { active: true }, viewer);
        expect(active.body.data!.alerts.map((a) => a.id)).toContain(event.id);

        const resolved = await alerts.evaluate(await c.clear(id));
        expect(resolved.resolved.map((a) => a.id)).toContain(event.id);
        await waitFor('the resolved webhook', () => hook.received.find((d) => d.event === 'alert.resolved' && d.body.id === event.id));
        const after = await gql<{ alerts: Array<{ id: string; resolvedAt: string | null }> }>(h.url, ALERTS, { active: false }, viewer);
        expect(after.body.data!.alerts.find((a) => a.id === event.id)?.resolvedAt).toBeTruthy();
        expect(sub.events.filter((e) => mine(e.alertRaised))).toHaveLength(1);
        expect(hook.rejected).toBe(0);
      } finally {
        await db.dataSource.query(`DELETE FROM connections WHERE id = $1`, [id]);
        await alerts.evaluate(t0);
      }
    });
  }

  it('an interrupted run (a stop, a crash) is no failure: no failure-rate or success-rate alert, the connection stays HEALTHY', async () => {
    const id = await insertConnection(db.dataSource, { last_successful_sync_at: t0, created_at: at(-DAY), status: 'HEALTHY' });
    try {
      // Stopped mid-run, then resumed to the end by the next start.
      await db.dataSource.query(
        `INSERT INTO sync_runs (connection_id, mode, status, started_at, finished_at, records_read) VALUES
           ($1, 'BULK', 'INTERRUPTED', $2, $2, 500), ($1, 'BULK', 'SUCCEEDED', $3, $3, 1000)`,
        [id, at(-20 * MIN), at(-5 * MIN)],
      );
      const { raised } = await alerts.evaluate(t0);
      expect(raised.filter((a) => a.connectionId === id)).toEqual([]);
      const health = await gql<{ health: { connections: Array<{ connection: { id: string }; status: string; successRate: number }> } }>(
        h.url, `{ health(window: "1h") { connections { connection { id } status successRate } } }`, {}, viewer);
      expect(health.body.data!.health.connections.find((c) => c.connection.id === id)).toMatchObject({ status: 'HEALTHY', successRate: 1 });
    } finally {
      await db.dataSource.query(`DELETE FROM connections WHERE id = $1`, [id]);
    }
  });

  it('a paused connection raises no dead-man alert; disabled rules raise nothing', async () => {
    const id = await insertConnection(db.dataSource, { enabled: false, created_at: at(-DAY), circuit: 'OPEN' });
    try {
      await db.dataSource.query(`UPDATE alert_rules SET enabled = false WHERE kind = 'CIRCUIT_OPEN'`);
      const { raised } = await alerts.evaluate(t0);
      expect(raised.filter((a) => a.connectionId === id)).toEqual([]);
    } finally {
      await db.dataSource.query(`UPDATE alert_rules SET enabled = true WHERE kind = 'CIRCUIT_OPEN'`);
      await db.dataSource.query(`DELETE FROM connections WHERE id = $1`, [id]);
    }
  });
});

describe('alert webhook', () => {
  it('retries with backoff until the receiver answers, and signs every attempt', async () => {
    hook.failNext = 2;
    const before = hook.requests;
    const webhook = new AlertWebhook({ url: hook.url, secret: hook.secret, baseDelayMs: 20 });
    const started = Date.now();
    expect(await webhook.deliver('alert.raised', JSON.stringify({ id: 'retry-test' }))).toBe(true);
    expect(hook.requests - before).toBe(3);
    // Two waits: 20 ms then 40 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(hook.received.some((d) => d.body.id === 'retry-test')).toBe(true);
    expect(hook.rejected).toBe(0);
  });

  it('a receiver with another secret rejects the signature', async () => {
    const webhook = new AlertWebhook({ url: hook.url, secret: 'a-different-secret-entirely', attempts: 1 });
    expect(await webhook.deliver('alert.raised', '{"id":"forged"}')).toBe(false);
    expect(hook.rejected).toBe(1);
    hook.rejected = 0;
  });
});
