/** The emulator's raw Dataverse wire: token errors, auth, query options, paging, tracking rules, $batch, keys, errors. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { readBatchResponse, writeBatchRequest } from '../../../src/system/dynamics/multipart';
import { admin, resetEmulator } from '../../support/emulators';
import { fetchToken, rawClient, startEmulator } from '../../support/crms/dynamics';

let emu: RunningEmulator;
let call: Awaited<ReturnType<typeof rawClient>>;

beforeAll(async () => {
  emu = await startEmulator();
  call = await rawClient(emu);
});
beforeEach(async () => {
  await resetEmulator(emu);
});
afterAll(async () => {
  await emu.close();
});

const create = async (set: string, body: Record<string, unknown>) => {
  const res = await call('POST', set, { body: JSON.stringify(body) });
  expect(res.status).toBe(204);
  return /\(([0-9a-f-]{36})\)$/.exec(res.headers.get('odata-entityid')!)![1]!;
};

describe('Entra ID token endpoint', () => {
  it("issues AAD-shaped tokens for any tenant, for the org's /.default scope", async () => {
    const res = await fetch(`${emu.url}/any-tenant-at-all/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'junction-sandbox', client_secret: 'sandbox-secret', scope: `${emu.url}/.default` }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599, access_token: expect.any(String) });
  });

  it('answers AADSTS errors: 401 for a bad secret, 400 for an unknown client, grant or scope', async () => {
    const cases: Array<[Record<string, string>, number, string, number]> = [
      [{ client_secret: 'nope' }, 401, 'invalid_client', 7000215],
      [{ client_id: 'stranger' }, 400, 'unauthorized_client', 700016],
      [{ grant_type: 'password' }, 400, 'unsupported_grant_type', 70003],
      [{ scope: 'User.Read' }, 400, 'invalid_scope', 1002012],
    ];
    for (const [form, status, error, code] of cases) {
      const res = await fetchToken(emu, form);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: string; error_codes: number[]; error_description: string };
      expect(body).toMatchObject({ error, error_codes: [code] });
      expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    }
  });

  it('refreshes delegated access with a refresh token; revokeRefreshTokens answers 400 invalid_grant (AADSTS50173) until cleared', async () => {
    const refresh = { grant_type: 'refresh_token', refresh_token: 'sandbox-refresh-token' };
    const ok = await fetchToken(emu, refresh);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: 'sandbox-refresh-token' });
    const unknown = await fetchToken(emu, { ...refresh, refresh_token: 'stolen' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant', error_codes: [9002313] });

    await admin(emu, 'POST', 'faults', { revokeRefreshTokens: true });
    try {
      const revoked = await fetchToken(emu, refresh);
      expect(revoked.status).toBe(400);
      const body = (await revoked.json()) as { error: string; error_codes: number[]; error_description: string };
      expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
      expect(body.error_description).toMatch(/^AADSTS50173: The provided grant has expired due to it being revoked/);
      // An application user's client-credentials grant involves no refresh token: untouched.
      expect((await fetchToken(emu, {})).status).toBe(200);
    } finally {
      await admin(emu, 'DELETE', 'faults');
    }
    expect((await fetchToken(emu, refresh)).status).toBe(200);
  });

  it('rejects data calls without a valid bearer with 401 and a challenge', async () => {
    const res = await fetch(`${emu.url}/api/data/v9.2/contacts`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });
});

describe('rows and keys', () => {
  it('upserts through the alternate key, refuses If-Match: * on a missing row, and 412s If-None-Match: * on an existing one', async () => {
    const key = "contacts(junction_id='j-1')";
    expect((await call('PATCH', key, { body: JSON.stringify({ lastname: 'Hopper' }), headers: { 'If-Match': '*' } })).status).toBe(404);
    const created = await call('PATCH', key, { body: JSON.stringify({ lastname: 'Hopper' }), headers: { Prefer: 'return=representation' } });
    expect(created.status).toBe(201);
    const row = (await created.json()) as Record<string, unknown>;
    expect(row).toMatchObject({ lastname: 'Hopper', fullname: 'Hopper', junction_id: 'j-1', versionnumber: expect.any(Number) });
    expect(row.modifiedon).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await call('PATCH', key, { body: JSON.stringify({ firstname: 'Grace' }) })).status).toBe(204);
    expect((await call('PATCH', key, { body: '{}', headers: { 'If-None-Match': '*' } })).status).toBe(412);
    const got = (await (await call('GET', `${key}?$select=fullname`)).json()) as Record<string, unknown>;
    expect(got).toMatchObject({ fullname: 'Grace Hopper', contactid: row.contactid, '@odata.etag': expect.stringMatching(/^W\/"\d+"$/) });
    expect(got).not.toHaveProperty('lastname');
    expect((await call('DELETE', `contacts(${String(row.contactid)})`)).status).toBe(204);
    expect((await call('GET', `contacts(${String(row.contactid)})`)).status).toBe(404);
  });

  it('answers malformed JSON, unknown columns and missing required columns with Dataverse errors', async () => {
    const bad = await call('POST', 'contacts', { body: '{"lastname": ' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('0x8006088a');
    const unknown = await call('POST', 'accounts', { body: JSON.stringify({ name: 'A', color: 'red' }) });
    expect(((await unknown.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: '0x80048d19', message: expect.stringContaining("'color'") });
    const missing = await call('POST', 'accounts', { body: JSON.stringify({ websiteurl: 'x.com' }) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('0x80040200');
  });
});

describe('queries', () => {
  it('filters on modifiedon and strings with and/or, orders, and applies $top only without maxpagesize', async () => {
    for (const name of ['Beta', 'Alpha', 'Gamma']) await create('accounts', { name, websiteurl: `${name.toLowerCase()}.com` });
    const rows = (await (await call('GET', 'accounts?$select=name,modifiedon&$orderby=name asc')).json()) as { value: Array<{ name: string; modifiedon: string }> };
    expect(rows.value.map((r) => r.name)).toEqual(['Alpha', 'Beta', 'Gamma']);
    const since = rows.value[0]!.modifiedon;
    const q = encodeURIComponent(`modifiedon ge ${since} and (name eq 'alpha' or startswith(websiteurl,'gam'))`);
    const filtered = (await (await call('GET', `accounts?$select=name&$filter=${q}&$orderby=name desc`)).json()) as { value: Array<{ name: string }> };
    expect(filtered.value.map((r) => r.name)).toEqual(['Gamma', 'Alpha']);
    const top = (await (await call('GET', 'accounts?$select=name&$top=1')).json()) as { value: unknown[] };
    expect(top.value).toHaveLength(1);
    const ignored = await call('GET', 'accounts?$select=name&$top=1', { headers: { Prefer: 'odata.maxpagesize=2' } });
    expect(ignored.headers.get('preference-applied')).toBe('odata.maxpagesize=2');
    const page = (await ignored.json()) as { value: unknown[]; '@odata.nextLink': string };
    expect(page.value).toHaveLength(2);
    expect(page['@odata.nextLink']).toMatch(new RegExp(`^${emu.url}/api/data/v9\\.2/accounts\\?\\$select=name&.*\\$skiptoken=%3Ccookie`));
    expect((await call('GET', "accounts?$filter=colour eq 'red'")).status).toBe(400);
  });

  it('clamps maxpagesize to 5,000', async () => {
    const res = await call('GET', 'accounts', { headers: { Prefer: 'odata.maxpagesize=9000' } });
    expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=5000');
  });

  it('rejects $filter, $orderby and $top with change tracking', async () => {
    for (const option of ["$filter=name eq 'x'", '$orderby=name', '$top=3']) {
      const res = await call('GET', `accounts?$select=name&${option}`, { headers: { Prefer: 'odata.track-changes' } });
      expect(res.status).toBe(400);
    }
    const ok = await call('GET', 'accounts?$select=name', { headers: { Prefer: 'odata.track-changes' } });
    expect(ok.headers.get('preference-applied')).toBe('odata.track-changes');
    expect(((await ok.json()) as Record<string, string>)['@odata.deltaLink']).toMatch(/\$deltatoken=\d+%21/);
  });
});

describe('$batch', () => {
  it('runs relative and root-relative part URLs with $n references in a change set', async () => {
    const account = await create('accounts', { name: 'Acme' });
    const batch = writeBatchRequest(
      [
        {
          changeset: [
            { method: 'POST', url: 'contacts', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lastname: 'One' }), contentId: '1' },
            { method: 'PATCH', url: '$1', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ [`parentcustomerid_account@odata.bind`]: `/accounts(${account})` }), contentId: '2' },
          ],
        },
        { single: { method: 'GET', url: `/api/data/v9.2/accounts(${account})?$select=name`, headers: {} } },
      ],
      'test',
    );
    const res = await call('POST', '$batch', { body: batch.body, headers: { 'content-type': batch.contentType } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    const parts = readBatchResponse(await res.text(), res.headers.get('content-type'));
    expect(parts.map((p) => p.status)).toEqual([204, 204, 200]);
    expect(parts[0]!.contentId).toBe('1');
    expect(JSON.parse(parts[2]!.body!)).toMatchObject({ name: 'Acme' });
    const contacts = await admin<Array<Record<string, unknown>>>(emu, 'GET', 'records/contacts');
    expect(contacts[0]).toMatchObject({ lastname: 'One', _parentcustomerid_value: account });
  });

  it('refuses more than 1,000 requests and GETs inside a change set', async () => {
    const parts = Array.from({ length: 1001 }, (_, n) => ({ method: 'DELETE', url: `accounts(00000000-0000-0000-0000-${String(n).padStart(12, '0')})`, headers: {} }));
    const big = writeBatchRequest([{ changeset: parts }], 'big');
    const res = await call('POST', '$batch', { body: big.body, headers: { 'content-type': big.contentType } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('1000');
    const get = writeBatchRequest([{ changeset: [{ method: 'GET', url: 'accounts', headers: {} }] }], 'get');
    expect((await call('POST', '$batch', { body: get.body, headers: { 'content-type': get.contentType } })).status).toBe(400);
  });

  it('stops at the first failing single request unless odata.continue-on-error', async () => {
    const body = (lastname: string | undefined) => JSON.stringify(lastname ? { lastname } : { firstname: 'x' });
    const batch = writeBatchRequest(
      [undefined, 'After'].map((lastname) => ({ single: { method: 'POST', url: 'contacts', headers: { 'Content-Type': 'application/json' }, body: body(lastname) } })),
      'stop',
    );
    const stopped = await call('POST', '$batch', { body: batch.body, headers: { 'content-type': batch.contentType } });
    expect(readBatchResponse(await stopped.text(), stopped.headers.get('content-type')).map((p) => p.status)).toEqual([400]);
    const goOn = await call('POST', '$batch', { body: batch.body, headers: { 'content-type': batch.contentType, Prefer: 'odata.continue-on-error' } });
    expect(readBatchResponse(await goOn.text(), goOn.headers.get('content-type')).map((p) => p.status)).toEqual([400, 204]);
  });
});

describe('service protection', () => {
  it('sends the usage headers and a 429 with Retry-After and 0x80072322', async () => {
    const ok = await call('GET', 'WhoAmI');
    expect(Number(ok.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'))).toBe(5999);
    expect(Number(ok.headers.get('x-ms-ratelimit-time-remaining-xrm-requests'))).toBeGreaterThan(1_000_000);
    await admin(emu, 'POST', 'faults', { rate429: 1, retryAfterSeconds: 3 });
    const limited = await call('GET', 'WhoAmI');
    await admin(emu, 'DELETE', 'faults');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.json()).toEqual({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' } });
  });
});
