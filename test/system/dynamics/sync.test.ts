/** Dynamics inside the real sync engine (real PostgreSQL): HubSpot ↔ Dynamics converge and stay quiet. */
import { describe, expect, it } from 'vitest';
import { useSyncHarness } from '../../support/sync-harness';

describe('two-way sync between HubSpot and Dynamics', () => {
  const SEED = 12;

  const h = useSyncHarness({ seed: SEED, crms: ['HUBSPOT', 'DYNAMICS'] });

  it('converges: every contact ends up in both CRMs, linked to its account, and the next round writes nothing', async () => {
    const first = await h.syncAll();
    expect(first.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    await h.syncAll();
    await h.syncAll();
    const contacts = await h.count(`SELECT count(*) n FROM contacts WHERE merged_into IS NULL`);
    expect(contacts).toBe(2 * SEED - Math.floor(SEED * 0.25));
    const linked = (kind: 'HUBSPOT' | 'DYNAMICS') =>
      h.count(`SELECT count(DISTINCT record_id) n FROM source_links WHERE record_kind = 'CONTACT' AND connection_id = $1`, [h.connectionIds.get(kind)]);
    expect(await linked('DYNAMICS')).toBe(contacts);
    expect(await linked('HUBSPOT')).toBe(contacts);
    const rows = (await (await fetch(`${h.emulators.get('DYNAMICS')!.url}/_emulator/records/contacts`)).json()) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(contacts);
    // Rows Junction created carry its id on the alternate key; seeded ones only get it when written.
    expect(rows.filter((r) => typeof r.junction_id === 'string').length).toBeGreaterThanOrEqual(contacts - SEED);
    expect(rows.filter((r) => typeof r._parentcustomerid_value === 'string').length).toBeGreaterThanOrEqual(SEED);
    const quiet = await h.syncAll();
    expect(quiet.map((r) => r.recordsWritten)).toEqual([0, 0]);
  });
});
