/**
 * 2. API efficiency: vendor calls per 10,000 records synced, read and write, in each direction
 * (HubSpot → Salesforce, Salesforce → HubSpot), counted by a proxy in front of each emulator,
 * against the fewest the vendors' page and batch sizes allow; and the bytes a Salesforce
 * read costs with only the mapped fields against all fields.
 */
import { mappingProfile } from '../../src/process/mapping/registry';
import { demoPeople } from '../../src/system/demo-data/people';
import { fmt, type ResultRow } from '../support/measure';
import { dataCalls, sumBytes, type ProxiedCall } from '../support/proxy';
import { asContacts, seedInSlices, startRig } from '../support/rig';
import { describeFields, salesforceToken, soqlBytes } from '../support/vendor';

// Writes: composite, HubSpot batches, and every call of a Bulk API 2.0 ingest job (create, upload, close, poll, results, delete).
const isWrite = (c: ProxiedCall) => c.path.includes('/composite/') || c.path.includes('/jobs/ingest') || /\/batch\/(upsert|create|update)$/.test(c.path);
const per10k = (calls: number, records: number) => (calls * 10_000) / records;

interface RunRow {
  id: string;
  connection_id: string;
  started_at: Date;
  finished_at: Date | null;
  records_read: number;
  records_written: number;
  status: string;
  error: string | null;
}

export async function runApiEfficiency(m: number): Promise<ResultRow[]> {
  const rig = await startRig({ crms: ['HUBSPOT', 'SALESFORCE'], proxy: true });
  try {
    const hs = rig.proxies.get('HUBSPOT')!;
    const sf = rig.proxies.get('SALESFORCE')!;
    await seedInSlices(rig.emulators.get('HUBSPOT')!, asContacts(demoPeople(m, 21, 100_000)));
    await seedInSlices(rig.emulators.get('SALESFORCE')!, asContacts(demoPeople(m, 22, 200_000)));
    hs.take();
    sf.take();
    // One sync of HubSpot; the worker then runs the connections it queued changes for
    // (Salesforce, then HubSpot again), so this one drain syncs both directions. The later
    // syncs make sure nothing is left; every call is then attributed to the run it happened in.
    await rig.sync('HUBSPOT');
    await rig.sync('SALESFORCE');
    await rig.sync('HUBSPOT');
    const runs = (await rig.bench.db.dataSource.query(
      `SELECT id, connection_id, started_at, finished_at, records_read, records_written, status, error FROM sync_runs WHERE started_at IS NOT NULL ORDER BY started_at`,
    )) as RunRow[];
    const hsId = rig.ids.get('HUBSPOT')!;
    const sfId = rig.ids.get('SALESFORCE')!;
    const hsCalls = dataCalls(hs.take());
    const sfCalls = dataCalls(sf.take());
    const runOf = (c: ProxiedCall) => [...runs].reverse().find((r) => r.started_at.getTime() <= c.at);
    const firstRun = (connectionId: string) => runs.find((r) => r.connection_id === connectionId);
    for (const r of runs)
      process.stderr.write(
        `  run ${r.connection_id === hsId ? 'HubSpot' : 'Salesforce'} ${r.status} read=${r.records_read} written=${r.records_written}: ${[...hsCalls, ...sfCalls].filter((c) => runOf(c) === r).length} calls ${r.error ?? ''}\n`,
      );
    // Reads: the first run of each CRM, which read every seeded record (later runs read only what changed).
    const hsRead = hsCalls.filter((c) => !isWrite(c) && runOf(c) === firstRun(hsId));
    const sfRead = sfCalls.filter((c) => !isWrite(c) && runOf(c) === firstRun(sfId));
    const sfWrite = sfCalls.filter(isWrite);
    const hsWrite = hsCalls.filter(isWrite);
    const written = (connectionId: string) => runs.filter((r) => r.connection_id === connectionId).reduce((n, r) => n + r.records_written, 0);
    // Fewest calls: HubSpot search pages of 200 (contacts + one for 10 companies); SOQL pages
    // of 2,000 (Contact + one each for Account and Lead), and on a connection's first run that
    // writes, one describe (whether the org has state and country picklists, learned once);
    // composite 200; HubSpot batch 100.
    const minHsRead = Math.ceil(m / 200) + 1;
    const minSfRead = Math.ceil(m / 2000) + 2 + 1;
    const minSfWrite = Math.ceil(m / 200) + 1;
    const minHsWrite = Math.ceil(m / 100) + 1;
    const rows: ResultRow[] = [];
    const add = (what: string, calls: ProxiedCall[], min: number, records: number) => {
      const ratio = calls.length / min;
      const paths = new Map<string, number>();
      for (const c of calls) paths.set(`${c.method} ${c.path.replace(/[0-9a-zA-Z]{15,18}/g, ':id')} ${c.status}`, (paths.get(`${c.method} ${c.path.replace(/[0-9a-zA-Z]{15,18}/g, ':id')} ${c.status}`) ?? 0) + 1);
      process.stderr.write(`  ${what}: ${[...paths].map(([k, v]) => `${v}× ${k}`).join(', ')}\n`);
      const b = sumBytes(calls);
      rows.push({
        scenario: `2 API calls per 10k: ${what}`,
        figure: `${fmt(per10k(calls.length, records), 1)} calls/10k (${calls.length} for ${fmt(records)}; ${fmt(b.up / 1024)} KiB up, ${fmt(b.down / 1024)} KiB down)`,
        baseline: `${fmt(per10k(min, records), 1)} minimum`,
        ratio,
        target: '≤ 1.05× minimum',
        met: ratio <= 1.05,
      });
    };
    // The first run includes its test batch (whose pages the full pass replays) and any field-list reads (none unless a read suggests drift).
    const fieldLists = (calls: ProxiedCall[]) => calls.filter((c) => c.path.includes('/properties/') || c.path.endsWith('/describe')).length;
    add(`read HubSpot (search, 200/page; first run with its test batch, ${fieldLists(hsRead)} field-list reads)`, hsRead, minHsRead, m);
    add(`read Salesforce (SOQL, 2,000/page; first run with its test batch, ${fieldLists(sfRead)} describes)`, sfRead, minSfRead, m);
    add(`write HubSpot → Salesforce (composite 200, or one Bulk API 2.0 ingest job) [${written(sfId)} written]`, sfWrite, minSfWrite, m);
    add(`write Salesforce → HubSpot (batch 100) [${written(hsId)} written]`, hsWrite, minHsWrite, m);
    // Field filtering: the same Contact read with Junction's mapped fields against every field.
    const token = await salesforceToken(rig.emulators.get('SALESFORCE')!.url);
    const sfUrl = rig.emulators.get('SALESFORCE')!.url;
    const mapped = mappingProfile('SALESFORCE').mappers.find((x) => x.remoteType === 'Contact')!.remoteFields;
    const all = await describeFields(sfUrl, token, 'Contact');
    const filtered = await soqlBytes(sfUrl, token, `SELECT ${mapped.join(', ')} FROM Contact`);
    const full = await soqlBytes(sfUrl, token, `SELECT ${all.join(', ')} FROM Contact`);
    rows.push({
      scenario: `2 bytes: Salesforce Contact read, mapped fields (${mapped.length}) vs all (${all.length})`,
      figure: `${fmt(filtered.bytes / 1024)} KiB for ${fmt(filtered.records)} records`,
      baseline: `${fmt(full.bytes / 1024)} KiB all fields`,
      ratio: filtered.bytes / full.bytes,
      target: 'field filtering visible (< 1)',
      met: filtered.bytes < full.bytes,
    });
    return rows;
  } finally {
    await rig.close();
  }
}
