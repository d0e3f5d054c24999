/**
 * One contract suite, run against every registered CRM's adapter and emulator: what the
 * process tier relies on must hold for each of them. Per-CRM facts are data below.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmModule, registeredCrms, SystemError, type CallFailure, type CrmKind, type RemoteFields, type RunningEmulator, type SystemAdapter } from '../../src/system';
import { FAST_RETRY, SANDBOX } from '../support/sync-harness';

interface ContractFixture {
  contactType: string;
  fields: string[];
  valid(n: number): RemoteFields;
  /** A record the vendor rejects for its content. */
  invalid: RemoteFields;
  /** A field to change in an update, and its new value. */
  update: [string, string];
  /** The code a revoked refresh token is refused with (crm-wire.md §6.1 item 3, §6.2 item 8, §6.3 item 16). */
  refusal: string;
}

const FIXTURES: Record<CrmKind, ContractFixture | undefined> = {
  SALESFORCE: {
    contactType: 'Contact',
    fields: ['FirstName', 'LastName', 'Email', 'Title'],
    valid: (n) => ({ FirstName: 'Ada', LastName: `Lovelace${n}`, Email: `ada${n}@analytical.example.com` }),
    invalid: { FirstName: 'No', Email: 'no-last-name@example.com' },
    update: ['Title', 'Countess'],
    refusal: 'invalid_grant',
  },
  HUBSPOT: {
    contactType: 'contacts',
    fields: ['firstname', 'lastname', 'email', 'jobtitle'],
    valid: (n) => ({ firstname: 'Ada', lastname: `Lovelace${n}`, email: `ada${n}@analytical.example.com` }),
    invalid: { firstname: 'Bad', email: 'not an email' },
    update: ['jobtitle', 'Countess'],
    refusal: 'BAD_REFRESH_TOKEN',
  },
  DYNAMICS: {
    contactType: 'contacts',
    fields: ['firstname', 'lastname', 'emailaddress1', 'jobtitle'],
    valid: (n) => ({ firstname: 'Ada', lastname: `Lovelace${n}`, emailaddress1: `ada${n}@analytical.example.com` }),
    invalid: { firstname: 'No', emailaddress1: 'no-last-name@example.com' },
    update: ['jobtitle', 'Countess'],
    refusal: 'invalid_grant',
  },
};

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

for (const kind of registeredCrms()) {
  const fx = FIXTURES[kind];
  describe.runIf(fx)(`adapter contract: ${kind}`, () => {
    const f = fx!;
    let emulator: RunningEmulator;
    let adapter: SystemAdapter;
    /** What the adapter told of its failed calls. */
    const failures: CallFailure[] = [];
    const admin = (path: string, body?: unknown) =>
      fetch(`${emulator.url}/_emulator/${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

    beforeAll(async () => {
      emulator = await crmModule(kind).startEmulator({ port: 0 });
      adapter = crmModule(kind).createAdapter({ baseUrl: emulator.url, credentials: SANDBOX, limiter: { id: randomUUID() }, retry: FAST_RETRY, timeoutMs: 3000, onCallFailure: (f) => failures.push(f) });
    });
    afterAll(async () => {
      await adapter?.close();
      await emulator?.close();
    });

    it('tests the connection', async () => {
      const r = await adapter.testConnection();
      expect(r.ok).toBe(true);
      expect(r.apiVersion).toBe(adapter.apiVersion);
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    });

    const ids = [randomUUID(), randomUUID(), randomUUID()];
    let created: string[] = [];

    it('creates by external id, and a replay creates nothing new', async () => {
      const batch = ids.map((junctionId, n) => ({ junctionId, fields: f.valid(n) }));
      const first = await adapter.upsert(f.contactType, batch);
      expect(first.map((r) => r.ok)).toEqual([true, true, true]);
      created = first.map((r) => r.remoteId!);
      const replay = await adapter.upsert(f.contactType, batch);
      expect(replay.map((r) => r.remoteId)).toEqual(created);
      const stored = (await (await admin(`records/${f.contactType}`)).json()) as unknown[];
      expect(stored).toHaveLength(3);
    });

    it('reports a rejected record as a classified result, in input order, without throwing', async () => {
      const r = await adapter.upsert(f.contactType, [{ junctionId: randomUUID(), fields: f.invalid }, { junctionId: randomUUID(), fields: f.valid(9) }]);
      expect(r[0]).toMatchObject({ ok: false, error: { errorClass: 'VALIDATION' } });
      expect(r[1]!.ok).toBe(true);
    });

    let cursor: string | null = null;
    it('lists changes oldest first with only the requested fields, and resumes from a cursor', async () => {
      const pages = await drain(adapter.listChanged(f.contactType, null, { fields: f.fields }));
      const records = pages.flatMap((p) => p.records);
      expect(records.map((r) => r.remoteId)).toEqual(expect.arrayContaining(created));
      const stamps = records.map((r) => r.modifiedAt);
      expect([...stamps].sort()).toEqual(stamps);
      for (const r of records) {
        expect(r.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(r.deleted).toBe(false);
        for (const field of f.fields) expect(field in r.fields).toBe(true);
      }
      cursor = pages.at(-1)!.cursor;
      const [field, value] = f.update;
      const upd = await adapter.upsert(f.contactType, [{ remoteId: created[1], junctionId: ids[1]!, fields: { [field]: value } }]);
      expect(upd[0]!.ok).toBe(true);
      const next = (await drain(adapter.listChanged(f.contactType, cursor, { fields: f.fields }))).flatMap((p) => p.records);
      const changed = next.filter((r) => r.remoteId === created[1]);
      expect(changed).toHaveLength(1);
      expect(changed[0]!.fields[field]).toBe(value);
      expect(next.filter((r) => r.remoteId === created[2])).toHaveLength(0);
      cursor = (await drain(adapter.listChanged(f.contactType, cursor, { fields: f.fields }))).at(-1)?.cursor ?? cursor;
    });

    it('exports every record in bulk', async () => {
      const batches = await drain(adapter.bulkExport(f.contactType, { fields: f.fields }));
      expect(batches.flatMap((b) => b.records).map((r) => r.remoteId)).toEqual(expect.arrayContaining(created));
    });

    it('archives, and the archive shows as a deleted change', async () => {
      const r = await adapter.archive(f.contactType, [created[0]!]);
      expect(r[0]!.ok).toBe(true);
      const next = (await drain(adapter.listChanged(f.contactType, cursor, { fields: f.fields }))).flatMap((p) => p.records);
      expect(next.find((x) => x.remoteId === created[0])?.deleted).toBe(true);
    });

    it('reads API usage from the vendor', async () => {
      const usage = await adapter.getUsage();
      expect(usage.limit).toBeGreaterThan(0);
      expect(usage.used).toBeGreaterThan(0);
    });

    it('refreshes an expired token once and carries on', async () => {
      const calls = adapter.stats.apiCalls;
      await admin('faults', { expireTokens: true });
      expect((await adapter.testConnection()).ok).toBe(true);
      expect(adapter.stats.apiCalls).toBe(calls + 2); // the rejected call and its replay
    });

    it("refuses a revoked refresh token with the vendor's own answer, classified AUTHENTICATION, until the faults are cleared", async () => {
      await admin('faults', { revokeRefreshTokens: true, expireTokens: true });
      try {
        const refused = await adapter.refreshToken().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(refused).toBeInstanceOf(SystemError);
        expect(refused).toMatchObject({ errorClass: 'AUTHENTICATION', code: f.refusal, details: { status: 400 } });
        // A call needing a token fails the same way: one refused grant, no loop.
        const test = await adapter.testConnection();
        expect(test).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
      } finally {
        await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
      }
      expect((await adapter.testConnection()).ok).toBe(true);
    });

    it('waits out Retry-After on a 429 and never calls during the back-off', async () => {
      await admin('faults', { rate429: 1, retryAfterSeconds: 1 });
      setTimeout(() => void admin('faults', { rate429: 0 }), 300);
      const started = Date.now();
      expect((await adapter.testConnection()).ok).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      const stats = (await (await admin('stats')).json()) as { overLimit: number; rateLimited: number };
      expect(stats.rateLimited).toBeGreaterThanOrEqual(1);
      expect(stats.overLimit).toBe(0);
    });

    it('tells every failed attempt once its call ends: recovered when a retry got through, final when the call gave up', async () => {
      const rateLimited = async () => ((await (await admin('stats')).json()) as { rateLimited: number }).rateLimited;
      failures.length = 0;
      await admin('faults', { expireTokens: true });
      expect((await adapter.testConnection()).ok).toBe(true);
      expect(failures).toEqual([expect.objectContaining({ errorClass: 'AUTHENTICATION', recovered: true })]);
      failures.length = 0;
      const before = await rateLimited();
      await admin('faults', { rate429: 1, retryAfterSeconds: 0 });
      try {
        expect((await adapter.testConnection()).ok).toBe(false);
      } finally {
        await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
      }
      // Each 429 answered once, each told once, all final: the call gave up after its retries.
      expect(failures.length).toBe((await rateLimited()) - before);
      expect(failures.length).toBe(FAST_RETRY.maxRetries + 1);
      expect(failures.every((f) => f.errorClass === 'RATE_LIMIT' && !f.recovered)).toBe(true);
    });
  });
}
