/**
 * dynamics-web-api 2.5.0, unchanged, against the emulator: serverUrl is the emulator, and
 * onTokenRefresh hands over a token fetched from the emulator's Entra ID endpoint (msal
 * refuses a plain-http authority, crm-wire §4.3).
 */
import { DynamicsWebApi } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { admin } from '../../support/emulators';
import { accessToken, startEmulator } from '../../support/crms/dynamics';

interface ContactRow {
  contactid: string;
  firstname?: string;
  lastname?: string;
  emailaddress1?: string;
  modifiedon?: Date;
  '@odata.etag'?: string;
}

interface DwaError {
  status: number;
  code?: string;
  message?: string;
  headers?: Record<string, string>;
}

let emu: RunningEmulator;
let dwa: DynamicsWebApi;
let tokenCalls = 0;

beforeAll(async () => {
  emu = await startEmulator();
  dwa = new DynamicsWebApi({
    serverUrl: emu.url,
    dataApi: { version: '9.2' },
    onTokenRefresh: async () => {
      tokenCalls++;
      return accessToken(emu);
    },
  });
});

afterAll(async () => {
  await emu.close();
});

async function rejection(promise: Promise<unknown>): Promise<DwaError> {
  try {
    await promise;
  } catch (err) {
    return err as DwaError;
  }
  throw new Error('expected the SDK to throw');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('dynamics-web-api against the emulator', () => {
  let adaId: string;

  it('creates a contact and gets its GUID from OData-EntityId', async () => {
    const id: unknown = await dwa.create({ collection: 'contacts', data: { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@example.com' } });
    expect(id).toMatch(GUID);
    adaId = id as string;
    expect(tokenCalls).toBeGreaterThan(0);
  });

  it('creates with return=representation and gets the row back', async () => {
    const row = await dwa.create<Record<string, unknown>, ContactRow>({
      collection: 'contacts',
      data: { firstname: 'Grace', lastname: 'Hopper' },
      returnRepresentation: true,
      select: ['contactid', 'lastname'],
    });
    expect(row.contactid).toMatch(GUID);
    expect(row.lastname).toBe('Hopper');
  });

  it('updates and retrieves by key (ISO dates revived, etag present)', async () => {
    const updated: unknown = await dwa.update({ collection: 'contacts', key: adaId, data: { jobtitle: 'Countess' } });
    expect(updated).toBe(true);
    const row = await dwa.retrieve<ContactRow & { jobtitle: string }>({ collection: 'contacts', key: adaId, select: ['firstname', 'jobtitle', 'modifiedon'] });
    expect(row.jobtitle).toBe('Countess');
    expect(row.contactid).toBe(adaId);
    expect(row.modifiedon).toBeInstanceOf(Date);
    expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
  });

  it('update of a missing row throws 404 (the SDK sends If-Match: *)', async () => {
    const err = await rejection(dwa.update({ collection: 'contacts', key: '00000000-0000-0000-0000-000000000001', data: { jobtitle: 'x' } }));
    expect(err.status).toBe(404);
    expect(err.code).toBe('0x80040217');
  });

  it('refuses a contact without lastname with a Dataverse error code', async () => {
    const err = await rejection(dwa.create({ collection: 'contacts', data: { firstname: 'Nobody' } }));
    expect(err.status).toBe(400);
    expect(err.code).toMatch(/^0x[0-9a-f]{8}$/);
    expect(err.message).toContain('lastname');
  });

  it('pages retrieveMultiple across at least 3 pages with maxPageSize', async () => {
    for (let i = 0; i < 9; i++) await dwa.create({ collection: 'accounts', data: { name: `Account ${i}` } });
    const seen: string[] = [];
    let page = await dwa.retrieveMultiple<{ accountid: string; name: string }>({ collection: 'accounts', select: ['name'], maxPageSize: 4 });
    let pages = 1;
    seen.push(...page.value.map((a) => a.accountid));
    while (page.oDataNextLink) {
      expect(page.oDataNextLink.startsWith(`${emu.url}/api/data/v9.2/`)).toBe(true);
      page = await dwa.retrieveMultiple({ collection: 'accounts', select: ['name'], maxPageSize: 4 }, page.oDataNextLink);
      pages++;
      seen.push(...page.value.map((a) => a.accountid));
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(9);
    const all = await dwa.retrieveAll<{ name: string }>({ collection: 'accounts', select: ['name'], maxPageSize: 2 });
    expect(all.value).toHaveLength(9);
  });

  it('filters, orders and counts', async () => {
    const res = await dwa.retrieveMultiple<{ name: string }>({
      collection: 'accounts',
      select: ['name'],
      filter: "name eq 'Account 3' or name eq 'Account 5'",
      orderBy: ['name desc'],
      count: true,
    });
    expect(res.value.map((a) => a.name)).toEqual(['Account 5', 'Account 3']);
    expect(res.oDataCount).toBe(2);
  });

  it('tracks changes: the delta brings the update, then the deletion', async () => {
    const initial = await dwa.retrieveMultiple<ContactRow>({ collection: 'contacts', select: ['firstname', 'lastname'], trackChanges: true });
    expect(initial.value.map((c) => c.contactid)).toContain(adaId);
    expect(initial.oDataDeltaLink).toContain('$deltatoken=');
    const grace = initial.value.find((c) => c.lastname === 'Hopper')!;
    await dwa.update({ collection: 'contacts', key: adaId, data: { firstname: 'Augusta Ada' } });
    expect(await dwa.deleteRecord({ collection: 'contacts', key: grace.contactid })).toBe(true);
    const delta = await dwa.retrieveMultiple<Record<string, unknown>>({ collection: 'contacts', select: ['firstname', 'lastname'] }, initial.oDataDeltaLink);
    expect(delta.value).toHaveLength(2);
    expect(delta.value[0]).toMatchObject({ contactid: adaId, firstname: 'Augusta Ada' });
    expect(delta.value[1]).toMatchObject({ id: grace.contactid, reason: 'deleted' });
    expect(String(delta.value[1]!['@odata.context'])).toMatch(/\/\$deletedEntity$/);
    expect(delta.oDataDeltaLink).not.toBe(initial.oDataDeltaLink);
    const quiet = await dwa.retrieveMultiple({ collection: 'contacts', select: ['firstname'] }, delta.oDataDeltaLink);
    expect(quiet.value).toHaveLength(0);
  });

  it('executes a batch with a change set, and a failing change set rolls back', async () => {
    dwa.startBatch();
    dwa.create({ collection: 'contacts', data: { firstname: 'Alan', lastname: 'Turing' } });
    dwa.create({ collection: 'contacts', data: { firstname: 'Linus', lastname: 'Torvalds' } });
    dwa.retrieveMultiple({ collection: 'contacts', select: ['lastname'], filter: "lastname eq 'Lovelace'" });
    const results = await dwa.executeBatch();
    expect(results).toHaveLength(3);
    expect(results[0]).toMatch(GUID);
    expect(results[1]).toMatch(GUID);
    expect((results[2] as { value: ContactRow[] }).value.map((c) => c.contactid)).toEqual([adaId]);

    const before = ((await admin<unknown[]>(emu, 'GET', 'records/contacts')) ?? []).length;
    dwa.startBatch();
    dwa.create({ collection: 'contacts', data: { firstname: 'Kept', lastname: 'Never' } });
    dwa.create({ collection: 'contacts', data: { firstname: 'No last name' } });
    // The SDK returns a failed part as an error object in the results instead of throwing.
    const failed = (await dwa.executeBatch()) as DwaError[];
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 400, error: { code: '0x80040200' } });
    expect(JSON.stringify(failed[0])).toContain('lastname');
    expect((await admin<unknown[]>(emu, 'GET', 'records/contacts')).length).toBe(before);
  });

  it('surfaces a 429 with status 429, a service-protection code and retry-after', async () => {
    await admin(emu, 'POST', 'faults', { rate429: 1, retryAfterSeconds: 7 });
    try {
      const err = await rejection(dwa.retrieve({ collection: 'contacts', key: adaId, select: ['firstname'] }));
      expect(err.status).toBe(429);
      expect(err.code).toBe('0x80072322');
      expect(err.headers?.['retry-after']).toBe('7');
    } finally {
      await admin(emu, 'DELETE', 'faults');
    }
  });
});
