/**
 * Issue #4 acceptance: the same contact edited in Salesforce and HubSpot within one sync
 * interval, with the emulators' clocks in different zones (the Salesforce org writes
 * `…-0800`, HubSpot ISO milliseconds with `Z`, Dataverse `Z` without milliseconds),
 * resolves per rule — the owner wins; without an owner the later UTC change wins — and
 * all three CRMs converge. The stamps are chosen so that comparing them as text picks the
 * wrong winner: a UTC−8 stamp reads eight hours "earlier" than the same instant in UTC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordCommands } from '../../src/process/records/record-commands';
import { parseSfDateTime } from '../../src/system/salesforce/dates';
import type { CrmKind } from '../../src/system';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { contactInEvery, crmCopy, editInCrm, emulatorRows, linkOf, syncUntilQuiet } from './support';

const ALL: CrmKind[] = ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'];
const PACIFIC = -8 * 60;

describe('conflicting edits across time zones', () => {
  let h: SyncHarness;
  let contactId: string;

  const setClock = async (kind: CrmKind, clock: { utcOffsetMinutes?: number; offsetMs?: number }) => {
    const res = await fetch(`${h.emulators.get(kind)!.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(clock) });
    expect(res.status).toBe(200);
  };
  /** The record's own modification stamp, exactly as the vendor wrote it. */
  const rawStamp = async (kind: CrmKind): Promise<string> => {
    const link = await linkOf(h, contactId, kind);
    const row = (await emulatorRows(h, kind, link.remoteType)).find((r) => r.remoteId === link.remoteId)!;
    return String(kind === 'SALESFORCE' ? row.fields.SystemModstamp : kind === 'HUBSPOT' ? row.fields.lastmodifieddate : row.fields.modifiedon);
  };
  const instant = (stamp: string) => parseSfDateTime(stamp)!;
  const title = async () => ((await h.db.dataSource.query(`SELECT title FROM contacts WHERE id = $1`, [contactId])) as Array<{ title: string }>)[0]!.title;
  const titleEverywhere = async () => Promise.all(ALL.map(async (k) => (await crmCopy(h, k, contactId)).title));
  /** Two emulators stamp by their own millisecond clocks: a short pause keeps the order unambiguous. */
  const pause = () => new Promise((r) => setTimeout(r, 15));

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 8 });
    await syncUntilQuiet(h);
    contactId = await contactInEvery(h, ALL);
    await setClock('SALESFORCE', { utcOffsetMinutes: PACIFIC });
    // Dataverse's clock runs a little behind, and it writes whole seconds: it never edits here, but must still converge.
    await setClock('DYNAMICS', { offsetMs: -90_000 });
  });
  afterAll(async () => h?.close());

  it('writes Salesforce stamps in the org zone and the rest in UTC', async () => {
    await editInCrm(h, 'SALESFORCE', contactId, { Title: 'Zone Check' });
    expect(await rawStamp('SALESFORCE')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-0800$/);
    await syncUntilQuiet(h);
    expect(await rawStamp('HUBSPOT')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(await rawStamp('DYNAMICS')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(await titleEverywhere()).toEqual(['Zone Check', 'Zone Check', 'Zone Check']);
  });

  it('without an owner, the later UTC change wins even when its stamp reads earlier as text', async () => {
    await editInCrm(h, 'HUBSPOT', contactId, { jobtitle: 'Growth Lead (HubSpot, earlier)' });
    await pause();
    await editInCrm(h, 'SALESFORCE', contactId, { Title: 'Growth Lead (Salesforce, later)' });
    const [sf, hs] = [await rawStamp('SALESFORCE'), await rawStamp('HUBSPOT')];
    // The trap: as text the HubSpot stamp sorts later; as instants Salesforce's is later.
    expect(hs > sf).toBe(true);
    expect(instant(sf)).toBeGreaterThan(instant(hs));

    await syncUntilQuiet(h);
    expect(await title()).toBe('Growth Lead (Salesforce, later)');
    expect(await titleEverywhere()).toEqual(Array(3).fill('Growth Lead (Salesforce, later)'));
    const [prov] = (await h.db.dataSource.query(`SELECT connection_id, changed_at FROM field_provenance WHERE record_id = $1 AND field = 'title'`, [contactId])) as Array<{
      connection_id: string;
      changed_at: Date;
    }>;
    expect(prov!.connection_id).toBe(h.connectionIds.get('SALESFORCE'));
    expect(new Date(prov!.changed_at).getTime()).toBe(instant(sf));
  });

  it('without an owner, a later HubSpot change beats an earlier Salesforce one', async () => {
    await editInCrm(h, 'SALESFORCE', contactId, { Title: 'Field Marketer (Salesforce, earlier)' });
    await pause();
    await editInCrm(h, 'HUBSPOT', contactId, { jobtitle: 'Field Marketer (HubSpot, later)' });
    expect(instant(await rawStamp('HUBSPOT'))).toBeGreaterThan(instant(await rawStamp('SALESFORCE')));

    await syncUntilQuiet(h);
    expect(await title()).toBe('Field Marketer (HubSpot, later)');
    expect(await titleEverywhere()).toEqual(Array(3).fill('Field Marketer (HubSpot, later)'));
  });

  it('the owner wins over a later change from another CRM, and every CRM ends with its value', async () => {
    const owner = await new RecordCommands(h.db.dataSource).setFieldOwner('CONTACT', 'title', h.connectionIds.get('HUBSPOT')!);
    expect(owner.ok).toBe(true);
    await editInCrm(h, 'HUBSPOT', contactId, { jobtitle: 'Owner Title (HubSpot, earlier)' });
    await pause();
    await editInCrm(h, 'SALESFORCE', contactId, { Title: 'Intruder Title (Salesforce, later)' });
    expect(instant(await rawStamp('SALESFORCE'))).toBeGreaterThan(instant(await rawStamp('HUBSPOT')));

    await syncUntilQuiet(h);
    expect(await title()).toBe('Owner Title (HubSpot, earlier)');
    expect(await titleEverywhere()).toEqual(Array(3).fill('Owner Title (HubSpot, earlier)'));

    // Other fields of the same record still follow the latest change.
    const cityField = (await linkOf(h, contactId, 'SALESFORCE')).remoteType === 'Lead' ? 'City' : 'MailingCity';
    await editInCrm(h, 'SALESFORCE', contactId, { [cityField]: 'Sacramento' });
    await syncUntilQuiet(h);
    expect((await Promise.all(ALL.map((k) => crmCopy(h, k, contactId)))).map((c) => [c.city, c.title])).toEqual(Array(3).fill(['Sacramento', 'Owner Title (HubSpot, earlier)']));
  });

  // A refused change queues the CRM it came from, so an intruding edit on its own is undone there.
  it('an intruding edit on its own is overwritten with the owner’s value in the CRM it came from', async () => {
    await editInCrm(h, 'SALESFORCE', contactId, { Title: 'Second Intruder (Salesforce)' });
    await syncUntilQuiet(h);
    expect(await title()).toBe('Owner Title (HubSpot, earlier)');
    expect(await titleEverywhere()).toEqual(Array(3).fill('Owner Title (HubSpot, earlier)'));
  });
});
