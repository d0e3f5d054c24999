/** The emulator's wire details the SDK tests do not reach, over raw HTTP. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Signature } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { admin, resetEmulator } from '../../support/emulators';
import { rawClient, startEmulator } from '../../support/crms/hubspot';

let emu: RunningEmulator;
let http: Awaited<ReturnType<typeof rawClient>>;

beforeAll(async () => {
  emu = await startEmulator();
});

beforeEach(async () => {
  await resetEmulator(emu);
  http = await rawClient(emu);
});

afterAll(async () => {
  await emu.close();
});

interface Body {
  status?: string;
  category?: string;
  message?: string;
  results?: Array<{ id: string; properties: Record<string, string | null> }>;
  paging?: { next?: { after: string } };
  total?: number;
}

const body = async (res: Response) => (await res.json()) as Body;

describe('HubSpot emulator wire', () => {
  it('answers errors as application/json: 401, malformed JSON, unknown object', async () => {
    const anonymous = await fetch(`${emu.url}/crm/v3/objects/contacts`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await body(anonymous)).category).toBe('INVALID_AUTHENTICATION');

    const garbled = await http('POST', '/crm/v3/objects/contacts', '{"properties": {');
    expect(garbled.status).toBe(400);
    expect(garbled.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await body(garbled)).category).toBe('VALIDATION_ERROR');

    const unknown = await http('GET', '/crm/v3/objects/widgets');
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).message).toContain('widgets');
  });

  it('accepts comma-joined properties, singular names and object type ids; defaults when none asked', async () => {
    const created = await http('POST', '/crm/v3/objects/contact', { properties: { email: 'x@example.com', firstname: 'X', city: 'Lyon', jobtitle: 'CEO' } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const joined = await body(await http('GET', `/crm/v3/objects/0-1/${id}?properties=city,jobtitle`));
    expect(joined).toMatchObject({ properties: { city: 'Lyon', jobtitle: 'CEO', hs_object_id: id } });
    const defaults = (await body(await http('GET', `/crm/v3/objects/contacts/${id}`))) as unknown as { properties: Record<string, unknown> };
    expect(Object.keys(defaults.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
    const company = (await body(await http('POST', '/crm/v3/objects/companies', { properties: { name: 'Acme' } }))) as unknown as { id: string };
    const companyDefaults = (await body(await http('GET', `/crm/v3/objects/0-2/${company.id}`))) as unknown as { properties: Record<string, unknown> };
    expect(Object.keys(companyDefaults.properties).sort()).toEqual(['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
  });

  it('sends rate-limit headers on object calls but not on search', async () => {
    const list = await http('GET', '/crm/v3/objects/contacts?limit=1');
    expect(list.headers.get('x-hubspot-ratelimit-daily')).toBe('250000');
    expect(Number(list.headers.get('x-hubspot-ratelimit-daily-remaining'))).toBeLessThan(250000);
    expect(list.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(list.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    const search = await http('POST', '/crm/v3/objects/contacts/search', { filterGroups: [], limit: 1 });
    expect(search.status).toBe(200);
    expect([...search.headers.keys()].filter((h) => h.startsWith('x-hubspot-ratelimit'))).toEqual([]);
  });

  it('enforces search limits: limit ≤ 200 and no paging past 10,000', async () => {
    const tooBig = await http('POST', '/crm/v3/objects/contacts/search', { limit: 201 });
    expect(tooBig.status).toBe(400);
    const pastCap = await http('POST', '/crm/v3/objects/contacts/search', { limit: 10, after: '10000' });
    expect(pastCap.status).toBe(400);
    expect((await body(pastCap)).category).toBe('VALIDATION_ERROR');
  });

  it('evaluates filter groups (OR of ANDs), IN, BETWEEN, HAS_PROPERTY and sorts descending', async () => {
    const inputs = [
      { properties: { email: 'a@x.com', lastname: 'Alpha', city: 'Paris', zip: '100' } },
      { properties: { email: 'b@x.com', lastname: 'Beta', city: 'Rome', zip: '200' } },
      { properties: { email: 'c@x.com', lastname: 'Gamma', zip: '300' } },
    ];
    expect((await http('POST', '/crm/v3/objects/contacts/batch/create', { inputs })).status).toBe(201);
    const search = async (request: object) =>
      (await body(await http('POST', '/crm/v3/objects/contacts/search', { properties: ['lastname'], ...request }))).results!.map((r) => r.properties.lastname);
    expect(
      await search({
        filterGroups: [
          { filters: [{ propertyName: 'city', operator: 'EQ', value: 'paris' }] },
          {
            filters: [
              { propertyName: 'zip', operator: 'GTE', value: '250' },
              { propertyName: 'city', operator: 'NOT_HAS_PROPERTY' },
            ],
          },
        ],
        sorts: [{ propertyName: 'lastname', direction: 'DESCENDING' }],
      }),
    ).toEqual(['Gamma', 'Alpha']);
    expect(
      await search({ filterGroups: [{ filters: [{ propertyName: 'lastname', operator: 'IN', values: ['beta', 'GAMMA'] }] }], sorts: ['lastname'] }),
    ).toEqual(['Beta', 'Gamma']);
    expect(
      await search({ filterGroups: [{ filters: [{ propertyName: 'zip', operator: 'BETWEEN', value: '150', highValue: '300' }] }], sorts: ['-zip'] }),
    ).toEqual(['Gamma', 'Beta']);
    expect(await search({ query: 'alp' })).toEqual(['Alpha']);
  });

  it('reports 207 per-input errors with ids and trace ids, and refuses 101 inputs', async () => {
    await http('POST', '/crm/v3/objects/contacts', { properties: { email: 'taken@x.com', junction_id: 'J-9' } });
    const res = await http('POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'J-1', idProperty: 'junction_id', properties: { email: 'fine@x.com' }, objectWriteTraceId: 't0' },
        { id: 'J-2', idProperty: 'junction_id', properties: { email: 'taken@x.com' }, objectWriteTraceId: 't1' },
      ],
    });
    expect(res.status).toBe(207);
    const answer = (await res.json()) as {
      results: Array<{ new: boolean; objectWriteTraceId: string }>;
      errors: Array<{ category: string; context: Record<string, string[]> }>;
      numErrors: number;
    };
    expect(answer.results).toMatchObject([{ new: true, objectWriteTraceId: 't0' }]);
    expect(answer.numErrors).toBe(1);
    expect(answer.errors[0]).toMatchObject({ category: 'CONFLICT', context: { ids: ['J-2'], objectWriteTraceId: ['t1'] } });

    const sameJunction = await http('POST', '/crm/v3/objects/contacts', { properties: { junction_id: 'J-9' } });
    expect(sameJunction.status).toBe(409);

    const tooMany = await http('POST', '/crm/v3/objects/contacts/batch/archive', { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) });
    expect(tooMany.status).toBe(400);
  });

  it('lists archived records with archived=true and exposes them through /_emulator/records', async () => {
    const created = (await body(await http('POST', '/crm/v3/objects/contacts', { properties: { email: 'bin@x.com' } }))) as unknown as { id: string };
    expect((await http('DELETE', `/crm/v3/objects/contacts/${created.id}`)).status).toBe(204);
    expect((await body(await http('GET', '/crm/v3/objects/contacts'))).results).toEqual([]);
    const bin = await body(await http('GET', '/crm/v3/objects/contacts?archived=true&properties=email'));
    expect(bin.results).toMatchObject([{ id: created.id, archived: true, properties: { email: 'bin@x.com' } }]);
    const stored = await admin<Array<{ id: string; archived: boolean; archivedAt: string }>>(emu, 'GET', 'records/contacts');
    expect(stored[0]).toMatchObject({ id: created.id, archived: true });
    expect(Date.parse(stored[0]!.archivedAt)).not.toBeNaN();
  });

  it('seeds people as contacts with lifecycle stages, companies per domain, and associations', async () => {
    const { demoPeople } = await import('../../../src/system/demo-data/people');
    const people = demoPeople(20);
    emu.seed(people);
    const contacts = await admin<Array<{ id: string; properties: Record<string, string> }>>(emu, 'GET', 'records/contacts');
    const companies = await admin<Array<{ id: string; properties: Record<string, string> }>>(emu, 'GET', 'records/companies');
    expect(contacts).toHaveLength(20);
    expect(companies).toHaveLength(new Set(people.map((p) => p.companyDomain)).size);
    const lead = people.find((p) => p.isLead)!;
    expect(contacts.find((c) => c.properties.email === lead.email)!.properties).toMatchObject({
      lifecyclestage: 'lead',
      zip: lead.postalCode,
      jobtitle: lead.title,
    });
    const first = contacts[0]!;
    const assoc = (await (await http('GET', `/crm/v4/objects/contacts/${first.id}/associations/companies`)).json()) as {
      results: Array<{ toObjectId: number; associationTypes: Array<{ typeId: number }> }>;
    };
    const company = companies.find((c) => c.properties.domain === people[0]!.companyDomain)!;
    expect(assoc.results).toEqual([
      {
        toObjectId: Number(company.id),
        associationTypes: expect.arrayContaining([expect.objectContaining({ typeId: 279 }), expect.objectContaining({ typeId: 1 })]),
      },
    ]);
  });

  it('delivers batched, v3-signed change events to a registered webhook receiver', async () => {
    const received: Array<{ url: string; headers: Record<string, string | string[] | undefined>; body: string }> = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hubspot/events`;
    try {
      await admin(emu, 'POST', 'webhooks', { url: hook });
      const created = (await (await http('POST', '/crm/v3/objects/contacts', { properties: { email: 'hook@x.com' } })).json()) as { id: string };
      await http('PATCH', `/crm/v3/objects/contacts/${created.id}`, { properties: { firstname: 'Hook', email: 'hook@x.com' } });
      await http('DELETE', `/crm/v3/objects/contacts/${created.id}`);
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(1);
      const [delivery] = received;
      const events = JSON.parse(delivery!.body) as Array<{
        subscriptionType: string;
        objectId: number;
        propertyName?: string;
        propertyValue?: string;
        changeFlag?: string;
      }>;
      expect(events.map((e) => [e.subscriptionType, e.objectId, e.propertyName ?? e.changeFlag])).toEqual([
        ['contact.creation', Number(created.id), 'CREATED'],
        ['contact.propertyChange', Number(created.id), 'firstname'],
        ['contact.deletion', Number(created.id), 'DELETED'],
      ]);
      const valid = Signature.isValid({
        signatureVersion: 'v3',
        method: 'POST',
        url: hook,
        requestBody: delivery!.body,
        clientSecret: 'sandbox-secret',
        signature: String(delivery!.headers['x-hubspot-signature-v3']),
        timestamp: Number(delivery!.headers['x-hubspot-request-timestamp']),
      });
      expect(valid).toBe(true);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
