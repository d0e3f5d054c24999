/**
 * 8. Saturation of the vendor's limit: with the emulator limited to L requests per window,
 * Junction delivers S stored contacts to each CRM; records moved per window against
 * L × batch size, and requests sent inside back-off windows (the emulator's overLimit).
 * Baseline: a loop sending full batches back to back at exactly the limit.
 */
import { Client } from 'pg';
import type { CrmKind } from '../../src/system';
import { fmt, sleep, type ResultRow } from '../support/measure';
import type { ProxiedCall } from '../support/proxy';
import { startRig } from '../support/rig';
import { hubspotToken, salesforceToken } from '../support/vendor';

interface Stats {
  requests: number;
  rateLimited: number;
  overLimit: number;
}

const stats = async (url: string): Promise<Stats> => (await fetch(`${url}/_emulator/stats`)).json() as Promise<Stats>;
const faults = (url: string, body: unknown) => fetch(`${url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** S contacts in the store, each queued for delivery to every connection; the operator set each connection's rate limit. */
async function seedStore(url: string, s: number, rate: { requests: number; windowMs: number }): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`UPDATE connections SET settings = settings || jsonb_build_object('rateLimit', $1::jsonb)`, [JSON.stringify(rate)]);
  await c.query(
    `INSERT INTO contacts (email, first_name, last_name, title) SELECT 'sat' || i || '@example.com', 'Sat', 'Person' || i, 'Buyer' FROM generate_series(1, $1) i`,
    [s],
  );
  await c.query(`INSERT INTO outbox (connection_id, record_kind, record_id) SELECT cn.id, 'CONTACT', ct.id FROM contacts ct CROSS JOIN connections cn`);
  await c.end();
}

/** The baseline: full batches back to back, never more than L within a window. */
async function loop(kind: CrmKind, url: string, s: number, l: number, windowMs: number): Promise<number> {
  const batch = kind === 'SALESFORCE' ? 200 : 100;
  const token = kind === 'SALESFORCE' ? await salesforceToken(url) : await hubspotToken(url);
  const calls = Math.ceil(s / batch);
  const send = async (i: number) => {
    const n = Math.min(batch, s - i * batch);
    const people = Array.from({ length: n }, (_, k) => ({ email: `loop${i}_${k}@example.com`, last: `Loop${i}_${k}` }));
    const res =
      kind === 'SALESFORCE'
        ? await fetch(`${url}/services/data/v59.0/composite/sobjects`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ allOrNone: false, records: people.map((p) => ({ attributes: { type: 'Contact' }, LastName: p.last, Email: p.email })) }),
          })
        : await fetch(`${url}/crm/v3/objects/contacts/batch/create`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ inputs: people.map((p) => ({ properties: { email: p.email, lastname: p.last } })) }),
          });
    await res.text();
    if (res.status >= 300) throw new Error(`baseline loop got ${res.status}`);
  };
  await sleep(windowMs); // start on a fresh window
  const t0 = performance.now();
  // A request may go once the one L before it has been answered windowMs ago: the vendor counted
  // that one on arrival, before its answer, so this is as close to the limit as a client can know.
  const answeredAt: number[] = [];
  for (let k = 0; k < calls; k++) {
    if (k >= l) await sleep(Math.max(0, answeredAt[k - l]! + windowMs + 1 - performance.now()));
    await send(k);
    answeredAt.push(performance.now());
  }
  return performance.now() - t0;
}

export async function runSaturation(s: number, l: number, windowMs: number): Promise<ResultRow[]> {
  const rig = await startRig({ crms: ['SALESFORCE', 'HUBSPOT'], proxy: true });
  const rows: ResultRow[] = [];
  try {
    await seedStore(rig.bench.url, s, { requests: l, windowMs });
    for (const kind of ['SALESFORCE', 'HUBSPOT'] as const) {
      const url = rig.emulators.get(kind)!.url;
      const batch = kind === 'SALESFORCE' ? 200 : 100;
      await faults(url, { rateLimit: { requests: l, windowMs } });
      await sleep(windowMs);
      const before = await stats(url);
      rig.proxies.get(kind)!.take();
      const t0 = performance.now();
      const run = await rig.sync(kind);
      const ms = performance.now() - t0;
      const delivery = deliveryRate(rig.proxies.get(kind)!.take(), run.recordsWritten, windowMs);
      const after = await stats(url);
      const loopMs = await loop(kind, url, s, l, windowMs);
      const afterLoop = await stats(url);
      await fetch(`${url}/_emulator/faults`, { method: 'DELETE' });
      const capacity = l * batch;
      // Windows touched, whole: a run that needs 2.1 windows used 3 of the vendor's windows.
      const perRunWindow = run.recordsWritten / Math.ceil(ms / windowMs);
      // The vendor's limit binds while Junction writes: records per window over the write calls.
      const perWindow = delivery ?? perRunWindow;
      const loopPerWindow = s / Math.ceil(loopMs / windowMs);
      const overLimit = after.overLimit - before.overLimit;
      rows.push({
        scenario: `8 saturation: deliver ${fmt(s)} contacts to ${kind === 'SALESFORCE' ? 'Salesforce' : 'HubSpot'} at ${l} req/${fmt(windowMs)} ms (records/window)`,
        figure: `delivering ${fmt(perWindow)} /window = ${fmt((perWindow / capacity) * 100)} % of ${fmt(capacity)}; whole run (pull included, whole windows) ${fmt(perRunWindow)} /window (${fmt(ms / 1000, 1)} s, ${run.status}, ${after.requests - before.requests} requests, ${after.rateLimited - before.rateLimited} × 429, overLimit ${overLimit})`,
        baseline: `loop ${fmt(loopPerWindow)} /window = ${fmt((loopPerWindow / capacity) * 100)} % (overLimit ${afterLoop.overLimit - after.overLimit})`,
        ratio: perWindow / loopPerWindow,
        target: '≥ 95 % of L×batch, overLimit 0',
        met: perWindow >= 0.95 * capacity && overLimit === 0,
      });
    }
    return rows;
  } finally {
    await rig.close();
  }
}

/**
 * Records per window while delivering: the records carried by the write calls after the first,
 * over the time from the first write's answer to the last one's. Undefined with fewer than two.
 */
function deliveryRate(calls: ProxiedCall[], written: number, windowMs: number): number | undefined {
  const writes = calls.filter((c) => c.status < 300 && c.method !== 'GET' && /composite\/sobjects|\/batch\/(upsert|update|create)|\$batch/.test(c.path));
  if (writes.length < 2) return undefined;
  const span = writes[writes.length - 1]!.at - writes[0]!.at;
  const perCall = written / writes.length;
  return span > 0 ? ((written - perCall) / span) * windowMs : undefined;
}
