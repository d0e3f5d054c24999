/** Direct vendor calls for baselines (a token, then plain fetch), bypassing Junction. */
import { SANDBOX } from './rig';

export async function salesforceToken(url: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret, refresh_token: SANDBOX.refreshToken });
  const res = await fetch(`${url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function hubspotToken(url: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret, refresh_token: SANDBOX.refreshToken });
  const res = await fetch(`${url}/oauth/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Bytes of every page of a SOQL query (nextRecordsUrl paging, 2,000 per page). */
export async function soqlBytes(url: string, token: string, soql: string): Promise<{ bytes: number; calls: number; records: number }> {
  let next: string | null = `/services/data/v59.0/query?q=${encodeURIComponent(soql)}`;
  let bytes = 0;
  let calls = 0;
  let records = 0;
  while (next) {
    const res = await fetch(`${url}${next}`, { headers: { authorization: `Bearer ${token}`, 'sforce-query-options': 'batchSize=2000' } });
    const text = await res.text();
    bytes += Buffer.byteLength(text);
    calls++;
    const page = JSON.parse(text) as { records?: unknown[]; nextRecordsUrl?: string | null };
    records += page.records?.length ?? 0;
    next = page.nextRecordsUrl ?? null;
  }
  return { bytes, calls, records };
}

export async function describeFields(url: string, token: string, object: string): Promise<string[]> {
  const res = await fetch(`${url}/services/data/v59.0/sobjects/${object}/describe`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { fields: Array<{ name: string }> }).fields.map((f) => f.name);
}
