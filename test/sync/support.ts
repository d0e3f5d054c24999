/**
 * Shared by the test/sync files: creating records in a CRM as a person there would (the
 * vendor's REST API with a sandbox token), reading a unified contact's `custom`, and a seeded
 * source for BULK export tests.
 */
import { expect } from 'vitest';
import { demoPeople } from '../../src/system';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';

const SANDBOX_FORM = { client_id: 'junction-sandbox', client_secret: 'sandbox-secret', refresh_token: 'sandbox-refresh-token' };

/** Creates a Salesforce record through `POST /services/data/v62.0/sobjects/{type}`; returns its id. */
export async function salesforceCreate(h: SyncHarness, type: string, fields: Record<string, unknown>): Promise<string> {
  const base = h.emulators.get('SALESFORCE')!.url;
  const token = await fetch(`${base}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', ...SANDBOX_FORM }) });
  const { access_token, instance_url } = (await token.json()) as { access_token: string; instance_url: string };
  const res = await fetch(`${instance_url}/services/data/v62.0/sobjects/${type}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  const body = (await res.json()) as { id?: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.id!;
}

/** Updates a Salesforce record through `PATCH /services/data/v62.0/sobjects/{type}/{id}`. */
export async function salesforceUpdate(h: SyncHarness, type: string, id: string, fields: Record<string, unknown>): Promise<void> {
  const base = h.emulators.get('SALESFORCE')!.url;
  const token = await fetch(`${base}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', ...SANDBOX_FORM }) });
  const { access_token, instance_url } = (await token.json()) as { access_token: string; instance_url: string };
  const res = await fetch(`${instance_url}/services/data/v62.0/sobjects/${type}/${id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  expect(res.status, await res.text()).toBe(204);
}

/** Every stored row of a vendor object, straight from its emulator. */
export async function emulatorRecords(h: SyncHarness, kind: 'SALESFORCE' | 'HUBSPOT' | 'DYNAMICS', object: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${h.emulators.get(kind)!.url}/_emulator/records/${object}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Array<Record<string, unknown>>;
}

/** The unified contact linked to a remote record of a connection. */
export async function contactLinkedTo(
  h: SyncHarness,
  kind: 'SALESFORCE' | 'HUBSPOT' | 'DYNAMICS',
  remoteId: string,
): Promise<{ id: string; custom: Record<string, unknown> } & Record<string, unknown>> {
  const rows = (await h.db.dataSource.query(
    `SELECT c.* FROM source_links l JOIN contacts c ON c.id = l.record_id WHERE l.connection_id = $1 AND l.remote_id = $2`,
    [h.connectionIds.get(kind), remoteId],
  )) as Array<{ id: string; custom: Record<string, unknown> } & Record<string, unknown>>;
  expect(rows, `no contact linked to ${kind} ${remoteId}`).toHaveLength(1);
  return rows[0]!;
}

/** The remote id of a unified record in a connection. */
export async function remoteIdOf(h: SyncHarness, kind: 'SALESFORCE' | 'HUBSPOT' | 'DYNAMICS', recordId: string): Promise<string> {
  const rows = (await h.db.dataSource.query(`SELECT remote_id FROM source_links WHERE connection_id = $1 AND record_id = $2`, [
    h.connectionIds.get(kind),
    recordId,
  ])) as Array<{
    remote_id: string;
  }>;
  expect(rows, `${kind} link of ${recordId}`).toHaveLength(1);
  return rows[0]!.remote_id;
}

/** Updates a HubSpot record through `PATCH /crm/v3/objects/{object}/{id}`. */
export async function hubspotUpdate(h: SyncHarness, object: string, id: string, properties: Record<string, string>): Promise<void> {
  const base = h.emulators.get('HUBSPOT')!.url;
  const token = await fetch(`${base}/oauth/v1/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', ...SANDBOX_FORM }) });
  const { access_token } = (await token.json()) as { access_token: string };
  const res = await fetch(`${base}/crm/v3/objects/${object}/${id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ properties }),
  });
  expect(res.status, await res.text()).toBe(200);
}

/**
 * A HubSpot source seeded with `people` demo people (each with a phone of their own, so an
 * exact phone match is one person), for BULK export tests: its connection, how many records
 * a full export reads (people and their companies), and the queries those tests ask.
 */
export async function seededHubspotSource(people: number) {
  const h = await startSyncHarness({ seed: 0, crms: ['HUBSPOT'] });
  const emu = h.emulators.get('HUBSPOT')!;
  const connectionId = h.connectionIds.get('HUBSPOT')!;
  emu.seed(demoPeople(people, 11, 0));
  let sourceRecords = 0;
  for (const object of ['contacts', 'companies']) sourceRecords += (await emulatorRecords(h, 'HUBSPOT', object)).length;
  const sql = async <T>(text: string, params: unknown[] = []) => (await h.db.dataSource.query(text, params)) as T[];
  return {
    h,
    emu,
    connectionId,
    sourceRecords,
    sql,
    faults: (body: Record<string, unknown>) =>
      fetch(`${emu.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    /** Source records linked: each page's links commit with its checkpoint. */
    linked: async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM source_links WHERE connection_id = $1`, [connectionId]))[0]!.n,
  };
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  body?: unknown;
}

/** Turns an emulator's request log on (and empties it): from now on it keeps what arrives on the wire. */
export async function startRequestLog(h: SyncHarness, kind: 'SALESFORCE' | 'HUBSPOT' | 'DYNAMICS'): Promise<void> {
  const url = `${h.emulators.get(kind)!.url}/_emulator/requests`;
  expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: true }) })).status).toBe(200);
  expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
}

export async function requestLog(h: SyncHarness, kind: 'SALESFORCE' | 'HUBSPOT' | 'DYNAMICS'): Promise<LoggedRequest[]> {
  const res = await fetch(`${h.emulators.get(kind)!.url}/_emulator/requests`);
  expect(res.status).toBe(200);
  return (await res.json()) as LoggedRequest[];
}

/**
 * The record writes a run sent, per vendor record: the fields each carried, as they went on the
 * wire. Salesforce: sObject Collections PATCH bodies (by `id`, or `Junction_Id__c` for upserts);
 * HubSpot: batch update/upsert inputs (by `id`); Dataverse: the PATCH parts of `$batch` bodies
 * (by the key in the part's URL).
 */
export function writesOnTheWire(kind: 'SALESFORCE' | 'HUBSPOT' | 'DYNAMICS', log: LoggedRequest[]): Array<{ key: string; fields: Record<string, unknown> }> {
  const out: Array<{ key: string; fields: Record<string, unknown> }> = [];
  for (const r of log) {
    if (kind === 'SALESFORCE' && r.method === 'PATCH' && /\/composite\/sobjects/.test(r.path)) {
      for (const rec of (r.body as { records: Array<Record<string, unknown>> }).records) out.push({ key: String(rec.id ?? rec.Junction_Id__c), fields: rec });
    }
    if (kind === 'HUBSPOT' && r.method === 'POST' && /\/objects\/\w+\/batch\/(update|upsert)$/.test(r.path)) {
      for (const input of (r.body as { inputs: Array<{ id: string; properties: Record<string, unknown> }> }).inputs)
        out.push({ key: String(input.id), fields: input.properties });
    }
    if (kind === 'DYNAMICS' && r.method === 'POST' && r.path.endsWith('/$batch')) {
      let url: string | undefined;
      for (const line of String(r.body).split(/\r?\n/)) {
        if (line.startsWith('PATCH ')) url = line.split(' ')[1];
        else if (url && line.startsWith('{')) {
          out.push({ key: decodeURIComponent(/\(([^)]*)\)/.exec(url)?.[1] ?? url), fields: JSON.parse(line) as Record<string, unknown> });
          url = undefined;
        }
      }
    }
  }
  return out;
}
