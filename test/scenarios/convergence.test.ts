/**
 * Issue #4 acceptance: three-CRM convergence. 1,000 seeded people spread over Salesforce,
 * HubSpot and Dynamics (each in one, two or all three), rounds of random edits (names,
 * phones, titles, states) in every CRM between syncs, then sync rounds until a round
 * writes nothing. The store and all three CRMs must end identical for every mapped field,
 * with exactly one record per person everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnifiedValue } from '../../src/process/model';
import { demoPeople, seededRandom, type CrmKind, type DemoPerson, type RemoteFields } from '../../src/system';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { CONTACT_OBJECTS, contactLinks, emulatorRows, sharedValues, storeContacts, syncUntilQuiet, unifiedOf } from './support';

const PEOPLE = 1000;
const EDIT_ROUNDS = 3;
/** Share of the people in a CRM edited there per round. */
const EDIT_SHARE = 0.06;
const SEED = 20261127;
const ALL: CrmKind[] = ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'];

/** Vendor field names of the edited fields (Salesforce Leads keep State; Contacts MailingState). */
const FIELD: Record<CrmKind, Record<'firstName' | 'lastName' | 'phone' | 'title' | 'state', string>> = {
  SALESFORCE: { firstName: 'FirstName', lastName: 'LastName', phone: 'Phone', title: 'Title', state: 'MailingState' },
  HUBSPOT: { firstName: 'firstname', lastName: 'lastname', phone: 'phone', title: 'jobtitle', state: 'state' },
  DYNAMICS: { firstName: 'firstname', lastName: 'lastname', phone: 'telephone1', title: 'jobtitle', state: 'address1_stateorprovince' },
} as Record<CrmKind, Record<'firstName' | 'lastName' | 'phone' | 'title' | 'state', string>>;
const NAMES = ['Ada', 'Grace', 'Alan', 'Radia', 'Hedy', 'Mateo', 'Priya', 'Amara', "o'brien", 'DE LA CRUZ', 'van der Berg', '  Müller '];
const TITLES = ['VP Sales', 'Chief of Staff', 'Data Engineer', 'Head of Partnerships', 'Buyer', 'Solutions Architect'];
/** States as people type them, by country (London has none). */
const STATES: Record<string, string[]> = { US: ['New York', 'NY', 'California', 'TX', 'texas'], DE: ['Bavaria', 'Bayern', 'Berlin'], CA: ['Ontario', 'ON', 'Quebec'] };

describe('three-CRM convergence', () => {
  let h: SyncHarness;
  const rnd = seededRandom(SEED);
  const figures: string[] = [];
  let phoneSeq = 0;

  /** Each person lives in one, two or all three CRMs. */
  const spread = (people: DemoPerson[]): Map<CrmKind, DemoPerson[]> => {
    const out = new Map<CrmKind, DemoPerson[]>(ALL.map((k) => [k, []]));
    for (const p of people) {
      const roll = rnd();
      const count = roll < 0.5 ? 1 : roll < 0.8 ? 2 : 3;
      const start = Math.floor(rnd() * 3);
      for (let i = 0; i < count; i++) out.get(ALL[(start + i) % 3]!)!.push(p);
    }
    return out;
  };

  /** One round of random edits in every CRM, through each vendor's API (the adapters). */
  const editRound = async (countryOf: Map<string, string | null>) => {
    const links = await contactLinks(h);
    let edits = 0;
    for (const kind of ALL) {
      const conn = (await h.connections.get(h.connectionIds.get(kind)!))!;
      const adapter = h.connections.adapterFor(conn);
      const mine = links.filter((l) => l.connection_id === conn.id);
      const byType = new Map<string, Array<{ remoteId: string; junctionId: string; fields: RemoteFields }>>();
      for (const link of mine) {
        if (rnd() >= EDIT_SHARE) continue;
        const field = (['firstName', 'lastName', 'phone', 'title', 'state'] as const)[Math.floor(rnd() * 5)]!;
        const states = STATES[countryOf.get(link.record_id) ?? ''];
        let value: string;
        if (field === 'firstName' || field === 'lastName') value = NAMES[Math.floor(rnd() * NAMES.length)]!;
        else if (field === 'title') value = TITLES[Math.floor(rnd() * TITLES.length)]!;
        else if (field === 'phone') value = `+1 646 555 ${String(1000 + ++phoneSeq)}`;
        else if (states) value = states[Math.floor(rnd() * states.length)]!;
        else continue;
        const remote = kind === 'SALESFORCE' && link.remote_type === 'Lead' && field === 'state' ? 'State' : FIELD[kind][field];
        const list = byType.get(link.remote_type) ?? [];
        list.push({ remoteId: link.remote_id, junctionId: link.record_id, fields: { [remote]: value } });
        byType.set(link.remote_type, list);
      }
      for (const [remoteType, records] of byType) {
        const results = await adapter.upsert(remoteType, records);
        expect(results.filter((r) => !r.ok)).toEqual([]);
        edits += records.length;
      }
    }
    return edits;
  };

  /** Every live contact copy in a CRM, as unified values, keyed by the unified record it is linked to. */
  const crmCopies = async (kind: CrmKind) => {
    const links = new Map((await contactLinks(h)).filter((l) => l.connection_id === h.connectionIds.get(kind)).map((l) => [`${l.remote_type}/${l.remote_id}`, l.record_id]));
    const copies: Array<{ recordId: string | undefined; values: Record<string, UnifiedValue> }> = [];
    for (const object of CONTACT_OBJECTS[kind])
      for (const row of await emulatorRows(h, kind, object)) if (!row.inactive) copies.push({ recordId: links.get(`${object}/${row.remoteId}`), values: sharedValues(unifiedOf(kind, row)) });
    return copies;
  };

  beforeAll(async () => {
    // Salesforce with state and country picklists off: people type states freely in every CRM, which is what this scenario converges.
    h = await startSyncHarness({ seed: 0, settings: { SALESFORCE: { statePicklists: false } } });
    const people = demoPeople(PEOPLE, SEED);
    const placed = spread(people);
    for (const kind of ALL) h.emulators.get(kind)!.seed(placed.get(kind)!);
    figures.push(`seeded ${PEOPLE} people as ${ALL.map((k) => `${placed.get(k)!.length} ${k}`).join(', ')}`);

    let t = Date.now();
    const rounds = await syncUntilQuiet(h, 8);
    figures.push(`initial load: ${rounds} rounds to quiet, ${Date.now() - t} ms`);
    const countries = new Map(((await h.db.dataSource.query(`SELECT id, country FROM contacts`)) as Array<{ id: string; country: string | null }>).map((r) => [r.id, r.country]));
    for (let round = 1; round <= EDIT_ROUNDS; round++) {
      const edits = await editRound(countries);
      t = Date.now();
      const settled = await syncUntilQuiet(h, 8);
      figures.push(`edit round ${round}: ${edits} edits, ${settled} sync rounds to quiet, ${Date.now() - t} ms`);
    }
    console.log(`convergence: ${figures.join('; ')}`);
  }, 600_000);
  afterAll(async () => h?.close());

  it('keeps exactly one unified contact per person, linked once in every CRM', async () => {
    const store = await storeContacts(h);
    expect(store.size).toBe(PEOPLE);
    expect(new Set([...store.values()].map((v) => v.email)).size).toBe(PEOPLE);
    const links = await contactLinks(h);
    for (const kind of ALL) {
      const mine = links.filter((l) => l.connection_id === h.connectionIds.get(kind));
      expect(new Set(mine.map((l) => l.record_id)).size, kind).toBe(PEOPLE);
      expect(mine, kind).toHaveLength(PEOPLE);
    }
  });

  it('keeps one company per employer, in the store and in every CRM', async () => {
    const employers = new Set(demoPeople(PEOPLE, SEED).map((p) => p.companyDomain)).size;
    const store = (await h.db.dataSource.query(`SELECT count(*)::int n, count(DISTINCT domain)::int d FROM companies WHERE deleted_at IS NULL`)) as Array<{ n: number; d: number }>;
    expect(store[0]).toEqual({ n: employers, d: employers });
    const objects: Record<CrmKind, string> = { SALESFORCE: 'Account', HUBSPOT: 'companies', DYNAMICS: 'accounts' } as Record<CrmKind, string>;
    for (const kind of ALL) expect((await emulatorRows(h, kind, objects[kind])).filter((r) => !r.inactive), kind).toHaveLength(employers);
  });

  it('ends with one live record per person in each CRM, none unlinked', async () => {
    for (const kind of ALL) {
      const copies = await crmCopies(kind);
      expect(copies.filter((c) => !c.recordId).map((c) => c.values.email), kind).toEqual([]);
      expect(copies, kind).toHaveLength(PEOPLE);
      expect(new Set(copies.map((c) => c.values.email)).size, kind).toBe(PEOPLE);
    }
  });

  it('ends identical in the store and in all three CRMs, field by field', async () => {
    const store = await storeContacts(h);
    const differences: string[] = [];
    for (const kind of ALL)
      for (const copy of await crmCopies(kind)) {
        const unified = store.get(copy.recordId!)!;
        for (const [field, value] of Object.entries(copy.values)) if ((unified[field] ?? null) !== value) differences.push(`${kind} ${unified.email} ${field}: ${value} ≠ store ${unified[field]}`);
      }
    expect(differences.slice(0, 20)).toEqual([]);
    expect(differences).toHaveLength(0);
  });

  it('the edits landed: values only the random edits could have produced are in the store', async () => {
    const phones = (await h.db.dataSource.query(`SELECT count(*)::int n FROM contacts WHERE phone LIKE '+1646555%'`)) as Array<{ n: number }>;
    expect(phones[0]!.n).toBeGreaterThan(0);
    const titles = (await h.db.dataSource.query(`SELECT count(*)::int n FROM contacts WHERE title = ANY($1)`, [['Chief of Staff', 'Data Engineer', 'Head of Partnerships', 'Solutions Architect']])) as Array<{ n: number }>;
    expect(titles[0]!.n).toBeGreaterThan(0);
  });
});
