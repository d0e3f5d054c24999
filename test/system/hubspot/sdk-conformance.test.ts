/**
 * @hubspot/api-client 14.0.1 against the emulator, unchanged apart from basePath. The SDK
 * only accepts each endpoint's exact success codes, so every passing call also checks those.
 * One Client for the whole file: the SDK's retry/limiter decorators are process-global
 * (crm-wire §4.2), and a second Client would silently re-configure the first.
 */
import { Client } from '@hubspot/api-client';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/AssociationSpec';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/models/Filter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { admin } from '../../support/emulators';
import { SANDBOX, startEmulator } from '../../support/crms/hubspot';

interface SdkError {
  code: number;
  body: { status?: string; message?: string; category?: string; errors?: Array<{ code?: string }>; error?: string; error_description?: string };
}

async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}

let emu: RunningEmulator;
let client: Client;

beforeAll(async () => {
  emu = await startEmulator();
  client = new Client({ basePath: emu.url, numberOfApiCallRetries: 1 });
  const token = await client.oauth.tokensApi.create('refresh_token', undefined, undefined, SANDBOX.clientId, SANDBOX.clientSecret, SANDBOX.refreshToken);
  client.setAccessToken(token.accessToken);
});

afterAll(async () => {
  await emu.close();
});

describe('oauth', () => {
  it('refreshes a token with the sandbox credentials and refuses an unknown refresh token', async () => {
    const token = await client.oauth.tokensApi.create('refresh_token', undefined, undefined, SANDBOX.clientId, SANDBOX.clientSecret, SANDBOX.refreshToken);
    expect(token.tokenType).toBe('bearer');
    expect(token.expiresIn).toBe(1800);
    expect(token.refreshToken).toBe(SANDBOX.refreshToken);
    expect(token.accessToken.length).toBeGreaterThan(10);

    const err = await failure(client.oauth.tokensApi.create('refresh_token', undefined, undefined, SANDBOX.clientId, SANDBOX.clientSecret, 'stolen'));
    expect(err.code).toBe(400);
    // The body HubSpot sends since 2026 (crm-wire.md §6.2 item 8).
    expect(err.body).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh token is invalid, expired or revoked',
      status: 'BAD_REFRESH_TOKEN',
      message: 'refresh token is invalid, expired or revoked',
    });
  });

  it('refuses the sandbox refresh token itself while revokeRefreshTokens is on, and takes it again once the faults are cleared', async () => {
    const refresh = () => client.oauth.tokensApi.create('refresh_token', undefined, undefined, SANDBOX.clientId, SANDBOX.clientSecret, SANDBOX.refreshToken);
    await admin(emu, 'POST', 'faults', { revokeRefreshTokens: true });
    try {
      const err = await failure(refresh());
      expect(err.code).toBe(400);
      expect(err.body).toMatchObject({ error: 'invalid_grant', status: 'BAD_REFRESH_TOKEN', message: 'refresh token is invalid, expired or revoked' });
      // Still refused on the next attempt: the fault lasts until DELETE /_emulator/faults.
      expect((await failure(refresh())).body.status).toBe('BAD_REFRESH_TOKEN');
    } finally {
      await admin(emu, 'DELETE', 'faults');
    }
    expect((await refresh()).accessToken.length).toBeGreaterThan(10);
  });

  it('answers 401 INVALID_AUTHENTICATION to a bad bearer token', async () => {
    const stranger = new Client({ basePath: emu.url, accessToken: 'not-a-token', numberOfApiCallRetries: 1 });
    const err = await failure(stranger.crm.contacts.basicApi.getPage(1));
    expect(err.code).toBe(401);
    expect(err.body.category).toBe('INVALID_AUTHENTICATION');
  });
});

describe('basic API', () => {
  it('creates (201), reads, updates and archives a contact', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' },
      associations: [],
    });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties.email).toBe('ada@example.com');
    expect(created.createdAt).toBeInstanceOf(Date);

    const read = await client.crm.contacts.basicApi.getById(created.id, ['email', 'firstname']);
    expect(read.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada', hs_object_id: created.id });
    expect(read.properties.lastmodifieddate).toBe(created.updatedAt.toISOString());

    const byEmail = await client.crm.contacts.basicApi.getById('ADA@example.com', ['lastname'], undefined, undefined, false, 'email');
    expect(byEmail.id).toBe(created.id);

    const updated = await client.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: 'Analyst' } });
    expect(updated.properties.jobtitle).toBe('Analyst');
    expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());

    await client.crm.contacts.basicApi.archive(created.id);
    const gone = await failure(client.crm.contacts.basicApi.getById(created.id));
    expect(gone.code).toBe(404);
    const archived = await client.crm.contacts.basicApi.getById(created.id, undefined, undefined, undefined, true);
    expect(archived.archived).toBe(true);
    expect(archived.archivedAt).toBeInstanceOf(Date);
  });

  it('rejects an invalid email (400 INVALID_EMAIL) and a duplicate email (409)', async () => {
    const bad = await failure(client.crm.contacts.basicApi.create({ properties: { email: 'not-an-email' }, associations: [] }));
    expect(bad.code).toBe(400);
    expect(bad.body.category).toBe('VALIDATION_ERROR');
    expect(bad.body.errors?.[0]?.code).toBe('INVALID_EMAIL');

    const first = await client.crm.contacts.basicApi.create({ properties: { email: 'grace@example.com' }, associations: [] });
    const dupe = await failure(client.crm.contacts.basicApi.create({ properties: { email: 'grace@example.com' }, associations: [] }));
    expect(dupe.code).toBe(409);
    expect(dupe.body.category).toBe('CONFLICT');
    expect(dupe.body.message).toBe(`Contact already exists. Existing ID: ${first.id}`);
  });

  it('pages companies with getPage and getAll', async () => {
    const inputs = Array.from({ length: 25 }, (_, i) => ({ properties: { name: `Paged ${i}`, domain: `paged${i}.example` }, associations: [] }));
    await client.crm.companies.batchApi.create({ inputs });
    const first = await client.crm.companies.basicApi.getPage(10, undefined, ['name']);
    expect(first.results).toHaveLength(10);
    expect(first.paging?.next?.after).toBeTruthy();
    const second = await client.crm.companies.basicApi.getPage(10, first.paging!.next!.after, ['name']);
    expect(second.results.map((r) => r.id)).not.toContain(first.results[0]!.id);
    const all = await client.crm.companies.getAll(7, undefined, ['name', 'domain']);
    expect(all.filter((c) => c.properties.name?.startsWith('Paged '))).toHaveLength(25);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    expect(all[0]!.properties).toHaveProperty('hs_lastmodifieddate');
  });
});

describe('batch API', () => {
  it('creates (201), reads (200/207), upserts on junction_id and archives', async () => {
    const created = await client.crm.contacts.batchApi.create({
      inputs: [0, 1, 2].map((i) => ({ properties: { email: `batch${i}@example.com`, firstname: `B${i}` }, associations: [] })),
    });
    expect(created.results).toHaveLength(3);
    const ids = created.results.map((r) => r.id);

    const read = await client.crm.contacts.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: ['firstname'], propertiesWithHistory: [] });
    expect(read.results.map((r) => r.properties.firstname).sort()).toEqual(['B0', 'B1', 'B2']);
    const partial = await client.crm.contacts.batchApi.read({ inputs: [{ id: ids[0]! }, { id: '999999' }], properties: [], propertiesWithHistory: [] });
    expect(partial.results).toHaveLength(1);
    expect('errors' in partial && partial.errors?.[0]?.category).toBe('OBJECT_NOT_FOUND');

    const upsert = () =>
      client.crm.contacts.batchApi.upsert({
        inputs: [{ id: 'J-1', idProperty: 'junction_id', properties: { email: 'upserted@example.com', lastname: 'Upserted' } }],
      });
    const firstUpsert = await upsert();
    expect(firstUpsert.results[0]!._new).toBe(true);
    const replay = await upsert();
    expect(replay.results[0]!._new).toBe(false);
    expect(replay.results[0]!.id).toBe(firstUpsert.results[0]!.id);
    expect(replay.results[0]!.properties.junction_id).toBe('J-1');

    await client.crm.contacts.batchApi.archive({ inputs: ids.map((id) => ({ id })) });
    const afterArchive = await client.crm.contacts.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: [], propertiesWithHistory: [] });
    expect(afterArchive.results).toHaveLength(0);
  });

  it('refuses more than 100 inputs with a 400', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ properties: { name: `Too many ${i}` }, associations: [] }));
    const err = await failure(client.crm.companies.batchApi.create({ inputs }));
    expect(err.code).toBe(400);
    expect(err.body.category).toBe('VALIDATION_ERROR');
  });
});

describe('search API', () => {
  it('filters GT on lastmodifieddate, sorts and pages with after across three pages', async () => {
    const before = Date.now() - 1;
    const { results } = await client.crm.contacts.batchApi.create({
      inputs: Array.from({ length: 7 }, (_, i) => ({ properties: { email: `search${i}@example.com`, lastname: `S${i}` }, associations: [] })),
    });
    const seen: string[] = [];
    const stamps: number[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await client.crm.contacts.searchApi.doSearch({
        filterGroups: [
          {
            filters: [
              { propertyName: 'lastmodifieddate', operator: FilterOperatorEnum.Gt, value: String(before) },
              { propertyName: 'email', operator: FilterOperatorEnum.ContainsToken, value: 'search*' },
            ],
          },
        ],
        sorts: ['lastmodifieddate'],
        properties: ['email', 'lastmodifieddate'],
        limit: 3,
        after: after ?? '0',
      });
      expect(page.total).toBe(7);
      pages++;
      for (const r of page.results) {
        seen.push(r.id);
        stamps.push(Date.parse(r.properties.lastmodifieddate!));
      }
      after = page.paging?.next?.after;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(results.map((r) => r.id));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);

    const iso = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: 'lastmodifieddate', operator: FilterOperatorEnum.Gt, value: new Date(before).toISOString() },
            { propertyName: 'lastname', operator: FilterOperatorEnum.Eq, value: 's3' },
          ],
        },
      ],
      sorts: [],
      properties: ['lastname'],
      limit: 10,
      after: '0',
    });
    expect(iso.results.map((r) => r.properties.lastname)).toEqual(['S3']);
  });
});

describe('associations v4', () => {
  it('associates a contact with a company and lists it from both sides', async () => {
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: 'linked@example.com' }, associations: [] });
    const company = await client.crm.companies.basicApi.create({ properties: { name: 'Linked Ltd' }, associations: [] });
    const labels = await client.crm.associations.v4.basicApi.create('contacts', contact.id, 'companies', company.id, [
      { associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 279 },
    ]);
    expect(labels.fromObjectTypeId).toBe('0-1');
    expect(labels.toObjectTypeId).toBe('0-2');
    const fromContact = await client.crm.associations.v4.basicApi.getPage('contact', contact.id, 'company');
    expect(fromContact.results.map((r) => String(r.toObjectId))).toEqual([company.id]);
    const fromCompany = await client.crm.associations.v4.basicApi.getPage('0-2', company.id, 'contacts');
    expect(fromCompany.results[0]!.associationTypes.map((t) => t.typeId)).toEqual([280]);
    await client.crm.associations.v4.basicApi.archive('contacts', contact.id, 'companies', company.id);
    const after = await client.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies');
    expect(after.results).toHaveLength(0);

    const byDefault = await client.crm.associations.v4.basicApi.createDefault('companies', company.id, 'contacts', contact.id);
    expect(byDefault.status).toBe('COMPLETE');
    expect(byDefault.results[0]!.associationSpec.associationTypeId).toBe(280);
    const restored = await client.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies');
    expect(restored.results[0]!.associationTypes.map((t) => t.typeId)).toEqual([279]);
  });
});

describe('limits', () => {
  it('surfaces the DAILY quota as an ApiException with code 429, without retrying', async () => {
    await admin(emu, 'POST', 'faults', { quotaRemaining: 0 });
    try {
      const before = await admin<{ requests: number }>(emu, 'GET', 'stats');
      const err = await failure(client.crm.contacts.basicApi.getPage(5));
      expect(err.code).toBe(429);
      expect(err.body.message).toBe('You have reached your daily limit.');
      const after = await admin<{ requests: number; byStatus: Record<string, number> }>(emu, 'GET', 'stats');
      expect(after.requests - before.requests).toBe(1);
    } finally {
      await admin(emu, 'DELETE', 'faults');
    }
  });
});
