/**
 * Alert rules as data through the API: listed with their units, changed by an OPERATOR (a
 * VIEWER may only read), effective from the next evaluation, overridden per connection,
 * refused with the field named when a value does not fit the kind, and delivered to the
 * channels each rule names (the signed webhook, a Slack-compatible incoming webhook).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertWebhook, SlackWebhook } from '../../src/process/alerts/alert-webhook';
import { AlertService } from '../../src/process/alerts/alert.service';
import type { Database } from '../../src/process/store/database';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { insertConnection } from '../support/builders';
import { openTestDatabase, resetDatabase } from '../support/database';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from './support';

const RULES = `query AlertRules($connectionId: ID) { alertRules(connectionId: $connectionId) { id kind threshold thresholdUnit windowMinutes enabled severity channels connection { id } } }`;
const UPDATE = `mutation UpdateAlertRule($id: ID!, $input: AlertRuleInput!) { updateAlertRule(id: $id, input: $input) { id kind threshold windowMinutes enabled severity channels connection { id } } }`;
const REMOVE = `mutation Remove($id: ID!) { removeAlertRuleOverride(id: $id) }`;
interface Rule { id: string; kind: string; threshold: number; thresholdUnit: string; windowMinutes: number | null; enabled: boolean; severity: string; channels: string[]; connection: { id: string } | null }

const MIN = 60_000;
const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);

let db: Database;
let h: Harness;
let viewer: string;
let operator: string;
let hook: WebhookReceiver;
let slack: { url: string; texts: string[]; close(): Promise<void> };
let alerts: AlertService;

/** A Slack-compatible receiver: keeps each body's text (such webhooks are unsigned). */
async function startSlackReceiver(): Promise<typeof slack> {
  const texts: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => (texts.push((JSON.parse(raw) as { text: string }).text), res.writeHead(200).end('ok')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/x`, texts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const rules = async (connectionId?: string) => (await gql<{ alertRules: Rule[] }>(h.url, RULES, { connectionId }, viewer)).body.data!.alertRules;
const globalRule = async (kind: string) => (await rules()).find((r) => r.kind === kind && !r.connection)!;
const update = (id: string, input: Record<string, unknown>, key = operator) => gql<{ updateAlertRule: Rule }>(h.url, UPDATE, { id, input }, key);

/** A connection whose deliveries took `lagMin` minutes at p95 over the last hour. */
async function slowConnection(lagMin: number): Promise<string> {
  const id = await insertConnection(db.dataSource, { last_successful_sync_at: t0 });
  await db.dataSource.query(
    `INSERT INTO outbox (connection_id, record_kind, record_id, source_changed_at, delivered_at)
     SELECT $1, 'CONTACT', gen_random_uuid(), $2::timestamptz - $3 * interval '1 minute', $2 FROM generate_series(1, 20)`,
    [id, new Date(t0.getTime() - 5 * MIN), lagMin],
  );
  return id;
}
const latencyAlerts = async (at: Date) => (await alerts.evaluate(at)).raised.filter((a) => a.kind === 'SYNC_LATENCY');
const activeLatency = async () => (await alerts.list(true, ['SYNC_LATENCY'])).map((a) => a.connectionId);

beforeAll(async () => {
  db = await openTestDatabase();
  await resetDatabase(db);
  h = await startHarness(db);
  viewer = await h.keyFor('VIEWER');
  operator = await h.keyFor('OPERATOR');
  hook = await startWebhookReceiver();
  slack = await startSlackReceiver();
  alerts = new AlertService({
    db: db.dataSource,
    events: h.bundle.events,
    webhook: new AlertWebhook({ url: hook.url, secret: hook.secret, baseDelayMs: 20 }),
    slack: new SlackWebhook({ url: slack.url, baseDelayMs: 20 }),
  });
});

afterAll(async () => {
  await h?.close();
  await hook?.close();
  await slack?.close();
  await db?.close();
});

describe('alert rules through the API', () => {
  it('lists one global rule per kind with its unit, window and channels', async () => {
    const all = await rules();
    const kinds = all.map((r) => r.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toEqual(expect.arrayContaining(['FAILURE_RATE', 'SYNC_LATENCY', 'QUARANTINE_BACKLOG', 'SUCCESS_RATE_WARNING', 'SUCCESS_RATE_CRITICAL', 'CREDENTIALS']));
    expect(all.find((r) => r.kind === 'SYNC_LATENCY')).toMatchObject({ threshold: 5, thresholdUnit: 'minutes', windowMinutes: 60, severity: 'WARNING', channels: ['WEBHOOK', 'SLACK'], connection: null });
    expect(all.find((r) => r.kind === 'SUCCESS_RATE_CRITICAL')).toMatchObject({ threshold: 0.95, thresholdUnit: 'ratio', severity: 'CRITICAL' });
    expect(all.find((r) => r.kind === 'QUARANTINE_BACKLOG')).toMatchObject({ threshold: 7, thresholdUnit: 'days', windowMinutes: null });
  });

  it('a VIEWER may read but not change a rule', async () => {
    const rule = await globalRule('SYNC_LATENCY');
    expect(codes(await update(rule.id, { threshold: 9 }, viewer))).toEqual(['FORBIDDEN']);
    expect((await globalRule('SYNC_LATENCY')).threshold).toBe(5);
  });

  it('a threshold changed through the API counts from the next evaluation', async () => {
    const id = await slowConnection(10);
    const rule = await globalRule('SYNC_LATENCY');
    try {
      expect((await latencyAlerts(t0)).map((a) => a.connectionId)).toEqual([id]);
      const changed = await update(rule.id, { threshold: 15 });
      expect(changed.body.data!.updateAlertRule).toMatchObject({ id: rule.id, threshold: 15 });
      await alerts.evaluate(new Date(t0.getTime() + MIN));
      expect(await activeLatency()).toEqual([]);
    } finally {
      await update(rule.id, { threshold: 5 });
      await db.dataSource.query(`DELETE FROM connections WHERE id = $1`, [id]);
      await alerts.evaluate(t0);
    }
  });

  it("a connection's override holds for it alone, and removing it brings the global rule back", async () => {
    const quiet = await slowConnection(10);
    const loud = await slowConnection(10);
    const rule = await globalRule('SYNC_LATENCY');
    try {
      const made = (await update(rule.id, { connectionId: quiet, enabled: false })).body.data!.updateAlertRule;
      expect(made).toMatchObject({ kind: 'SYNC_LATENCY', enabled: false, connection: { id: quiet } });
      expect(made.id).not.toBe(rule.id);
      expect((await globalRule('SYNC_LATENCY')).enabled).toBe(true);
      expect((await rules(quiet)).filter((r) => r.kind === 'SYNC_LATENCY').map((r) => r.connection?.id ?? null)).toEqual([null, quiet]);
      expect((await rules(loud)).filter((r) => r.kind === 'SYNC_LATENCY')).toHaveLength(1);

      expect((await latencyAlerts(t0)).map((a) => a.connectionId)).toEqual([loud]);
      expect((await gql<{ removeAlertRuleOverride: boolean }>(h.url, REMOVE, { id: made.id }, operator)).body.data!.removeAlertRuleOverride).toBe(true);
      expect((await latencyAlerts(new Date(t0.getTime() + MIN))).map((a) => a.connectionId)).toEqual([quiet]);
      // A global rule is no override: it can't be removed.
      expect(codes(await gql(h.url, REMOVE, { id: rule.id }, operator))).toEqual(['NOT_FOUND']);
    } finally {
      await db.dataSource.query(`DELETE FROM connections WHERE id = ANY($1)`, [[quiet, loud]]);
      await alerts.evaluate(t0);
    }
  });

  it('refuses a value that does not fit the kind, naming the field, and changes nothing', async () => {
    const failure = await globalRule('FAILURE_RATE');
    const circuit = await globalRule('CIRCUIT_OPEN');
    const refusals: Array<[string, Record<string, unknown>, string]> = [
      [failure.id, { threshold: 1.5 }, 'threshold'],
      [failure.id, { windowMinutes: 0 }, 'windowMinutes'],
      [circuit.id, { windowMinutes: 30 }, 'windowMinutes'],
      [circuit.id, { threshold: 3 }, 'threshold'],
      [failure.id, { connectionId: '00000000-0000-4000-8000-000000000000' }, 'connectionId'],
    ];
    for (const [id, input, field] of refusals) {
      const r = await update(id, { ...input, enabled: false });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.body.errors![0]!.extensions).toMatchObject({ field });
    }
    expect(await globalRule('FAILURE_RATE')).toEqual(failure);
    expect(await globalRule('CIRCUIT_OPEN')).toEqual(circuit);
    expect(codes(await update('00000000-0000-4000-8000-000000000000', { threshold: 0.5 }))).toEqual(['NOT_FOUND']);
  });

  it('raises API_KEY_EXPIRING for a key a week from its expiry, with no connection, resolved once the key is revoked', async () => {
    const key = await h.apiKeys.create('partner acme', 'PARTNER', new Date(t0.getTime() + 3 * 24 * 60 * MIN));
    const mine = (a: { kind: string; message: string }) => a.kind === 'API_KEY_EXPIRING' && a.message.includes('"partner acme"');
    const raised = (await alerts.evaluate(t0)).raised.filter(mine);
    expect(raised).toEqual([expect.objectContaining({ connectionId: null, severity: 'WARNING' })]);
    await h.apiKeys.revoke(key.apiKey.id);
    expect((await alerts.evaluate(new Date(t0.getTime() + MIN))).resolved.map((a) => a.id)).toContain(raised[0]!.id);
    // About Junction itself: no connection may override it.
    const rule = await globalRule('API_KEY_EXPIRING');
    const open = await insertConnection(db.dataSource);
    const r = await update(rule.id, { connectionId: open, threshold: 3 });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.body.errors![0]!.extensions).toMatchObject({ field: 'connectionId' });
    await db.dataSource.query(`DELETE FROM connections WHERE id = $1`, [open]);
  });

  it('delivers to the channels each rule names: Slack gets one line of text, a rule with none reaches neither', async () => {
    const rule = await globalRule('CIRCUIT_OPEN');
    const open = await insertConnection(db.dataSource, { circuit: 'OPEN', last_successful_sync_at: t0 });
    try {
      const [raised] = (await alerts.evaluate(t0)).raised.filter((a) => a.connectionId === open && a.kind === 'CIRCUIT_OPEN');
      await waitFor('the signed webhook', () => hook.received.find((d) => d.body.id === raised!.id));
      const text = await waitFor('the Slack message', () => slack.texts.find((t) => t.includes('CIRCUIT_OPEN')));
      expect(text).toMatch(/^\[Alert · CRITICAL · CIRCUIT_OPEN\] conn-\d+: circuit open/);

      await db.dataSource.query(`UPDATE connections SET circuit = 'CLOSED' WHERE id = $1`, [open]);
      await update(rule.id, { channels: [] });
      const { resolved } = await alerts.evaluate(new Date(t0.getTime() + MIN));
      expect(resolved.map((a) => a.id)).toContain(raised!.id);
      await new Promise((r) => setTimeout(r, 200));
      expect(hook.received.filter((d) => d.body.id === raised!.id).map((d) => d.event)).toEqual(['alert.raised']);
      expect(slack.texts.filter((t) => t.startsWith('[Resolved') && t.includes('CIRCUIT_OPEN'))).toEqual([]);
      expect(hook.rejected).toBe(0);
    } finally {
      await update(rule.id, { channels: ['WEBHOOK', 'SLACK'] });
      await db.dataSource.query(`DELETE FROM connections WHERE id = $1`, [open]);
    }
  });
});
