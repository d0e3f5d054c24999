/**
 * Property: no record crashes the pipeline. Random vendor records (strings in every shape,
 * numbers, booleans, nulls, nested junk) go through map → normalize → validate → match →
 * store; each ends either linked to a stored contact or waiting in quarantine.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hubspotContactMapper } from '../../src/process/mapping/hubspot/contact.mapper';
import { applyInboundPage } from '../../src/process/sync/inbound/inbound';
import { NO_EVENTS } from '../../src/process/events';
import { PartnerUpserts } from '../../src/process/partner/upsert-contacts';
import { useDatabase } from '../support/database';
import { restoreDefaultRules } from './support/rules';
import { insertConnection } from '../support/builders';

const db = useDatabase();
let connectionId: string;

beforeAll(async () => {
  await restoreDefaultRules(db.dataSource);
  connectionId = await insertConnection(db.dataSource, { kind: 'HUBSPOT' });
});

const messyText = fc.oneof(
  fc.string(),
  fc.constantFrom('', '   ', 'N.Y.', 'Bayern', 'ny', 'Deutschland', '+1 (212) 555-0100', '12', 'ada@@x', 'ADA@ACME.COM ', 'http://linkedin.com/in/%E0%A4%A', '\u0000', '😀'),
  fc.emailAddress(),
);
const value = fc.oneof(messyText, fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
const fieldsArb = fc.record(
  { email: value, firstname: value, lastname: value, phone: value, jobtitle: value, city: value, state: value, country: value, zip: value, hs_linkedin_url: value, company: value, lifecyclestage: value },
  { requiredKeys: [] },
);

describe('no random record crashes the pipeline', () => {
  it('each inbound record ends stored (linked) or quarantined', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fieldsArb, { minLength: 1, maxLength: 5 }), async (batch) => {
        const records = batch.map((fields) => ({ remoteType: 'contacts', remoteId: `p${++n}`, modifiedAt: new Date().toISOString(), deleted: false, fields: fields as Record<string, never> }));
        await db.dataSource.transaction((m) => applyInboundPage(m, { connectionId, runId: '00000000-0000-4000-8000-000000000000', mapper: hubspotContactMapper, rules: { owners: new Map(), verified: new Set() }, events: NO_EVENTS }, records));
        for (const r of records) {
          const [row] = (await db.dataSource.query(
            `SELECT (SELECT count(*)::int FROM source_links WHERE connection_id = $1 AND remote_id = $2) AS linked,
                    (SELECT count(*)::int FROM quarantine WHERE connection_id = $1 AND remote_id = $2 AND status = 'PENDING') AS quarantined`,
            [connectionId, r.remoteId],
          )) as Array<{ linked: number; quarantined: number }>;
          expect(row!.linked + row!.quarantined).toBe(1);
        }
      }),
      { numRuns: 60, seed: 4242 },
    );
  }, 60_000);

  it('each partner record gets exactly one outcome, and the batch never throws', async () => {
    const partner = new PartnerUpserts(db.dataSource, NO_EVENTS);
    const input = fc.record({ email: messyText, firstName: messyText, lastName: messyText, phone: messyText, state: messyText, country: messyText, postalCode: messyText, lifecycleStage: messyText, companyName: messyText }, { requiredKeys: [] });
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: 1, maxLength: 5 }), async (batch) => {
        const result = await partner.upsert(batch, `prop-${++k}`, 'property-test');
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.results.map((r) => r.index)).toEqual(batch.map((_, i) => i));
        for (const r of result.results) expect(['CREATED', 'UPDATED', 'MERGED', 'QUARANTINED', 'REJECTED']).toContain(r.outcome);
      }),
      { numRuns: 60, seed: 4242 },
    );
  }, 60_000);
});
