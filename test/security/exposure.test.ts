/**
 * Issue 14, finding 13: `/metrics` was open to anyone and names connections, and a
 * production instance started the in-process emulators (connections holding the public
 * sandbox secret). Now /metrics is open on loopback only — a request relayed by a proxy
 * does not count as local — and takes `Authorization: Bearer <JUNCTION_METRICS_KEY>` from
 * anywhere else; and with NODE_ENV=production no emulator starts unless JUNCTION_EMULATORS
 * asks for one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startJunction, type RunningJunction } from '../../src/app';
import { loadConfig } from '../../src/config';
import { generateMasterKey } from '../../src/process/security/credentials-cipher';
import { startHarness, type Harness } from '../support/harness';
import { insertConnection } from '../support/builders';
import { resetDatabase, useDatabase } from '../support/database';

const METRICS_KEY = 'metrics-key-for-the-scraper-0123456789';
/** This machine's own address beyond loopback: a request to it arrives from a non-loopback address. */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

const db = useDatabase();

beforeAll(async () => {
  await insertConnection(db.dataSource, { name: 'Acme Salesforce' });
});

describe('/metrics', () => {
  let open: Harness;
  let keyed: Harness;
  const on = (h: Harness, host: string) => h.url.replace('127.0.0.1', host);

  beforeAll(async () => {
    open = await startHarness(db, { listenHost: '0.0.0.0' });
    keyed = await startHarness(db, { listenHost: '0.0.0.0', security: { metricsKey: METRICS_KEY } });
  });
  afterAll(async () => {
    await open?.close();
    await keyed?.close();
  });

  it('answers a scraper on loopback without a key', async () => {
    const res = await fetch(`${open.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Acme Salesforce');
  });

  it('refuses a request a local proxy relayed when no key is set', async () => {
    const res = await fetch(`${open.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(body).toBe('metrics are served to loopback only: set JUNCTION_METRICS_KEY to scrape from elsewhere\n');
    expect(body).not.toContain('Acme');
  });

  it.skipIf(!outside)('refuses a scraper beyond loopback without a configured key, and with a wrong one', async () => {
    const none = await fetch(`${on(open, outside!)}/metrics`);
    expect(none.status).toBe(403);
    expect(await none.text()).not.toContain('Acme');
    for (const authorization of [undefined, 'Bearer wrong-key', `Basic ${METRICS_KEY}`, `Bearer ${METRICS_KEY}x`]) {
      const res = await fetch(`${on(keyed, outside!)}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    }
  });

  it.skipIf(!outside)('answers a scraper beyond loopback that presents the metrics key', async () => {
    const res = await fetch(`${on(keyed, outside!)}/metrics`, { headers: { authorization: `Bearer ${METRICS_KEY}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Acme Salesforce');
    expect((await fetch(`${keyed.url}/metrics`)).status).toBe(200);
  });

  it('takes its key from JUNCTION_METRICS_KEY, which must be long enough', () => {
    expect(loadConfig({ JUNCTION_METRICS_KEY: METRICS_KEY }).security.metricsKey).toBe(METRICS_KEY);
    expect(loadConfig({}).security.metricsKey).toBeUndefined();
    expect(() => loadConfig({ JUNCTION_METRICS_KEY: 'short' })).toThrow(/JUNCTION_METRICS_KEY must be at least 24 characters/);
  });
});

describe('emulators in production', () => {
  const masterKey = generateMasterKey();

  it('are off unless asked for, and on when asked for explicitly', () => {
    expect(loadConfig({ NODE_ENV: 'production', JUNCTION_MASTER_KEY: masterKey }).emulators).toMatchObject({ mode: 'none', crms: [] });
    expect(loadConfig({ NODE_ENV: 'production', JUNCTION_MASTER_KEY: masterKey, JUNCTION_EMULATORS: 'hubspot' }).emulators).toMatchObject({ mode: 'start', crms: ['hubspot'] });
    expect(loadConfig({}).emulators).toMatchObject({ mode: 'start', crms: ['salesforce', 'hubspot', 'dynamics'] });
    expect(loadConfig({ NODE_ENV: 'test' }).emulators.mode).toBe('start');
  });

  describe('a production instance started with defaults', () => {
    let junction: RunningJunction | undefined;
    let dataDir: string;
    beforeAll(async () => {
      await resetDatabase(db);
      // The instance opens its own pool: on the embedded test database that must be the only session.
      await db.close();
      dataDir = mkdtempSync(join(tmpdir(), 'junction-production-'));
      const config = loadConfig({ NODE_ENV: 'production', JUNCTION_MASTER_KEY: masterKey, DATABASE_URL: inject('databaseUrl'), HOST: '127.0.0.1', JUNCTION_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      config.http.port = 0;
      junction = await startJunction(config, { singleSessionDatabase: inject('embeddedDatabase') });
    });
    afterAll(async () => {
      await junction?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs no emulator and holds no connection with the sandbox secret', async () => {
      expect(junction!.emulators).toEqual([]);
      expect(await junction!.connections.list()).toEqual([]);
      const res = await fetch(`${junction!.url!.replace('localhost', '127.0.0.1')}/readyz`);
      expect(res.status).toBe(200);
    });
  });
});
