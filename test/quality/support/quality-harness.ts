/** Sync harness (emulators + DB + engine) plus a GraphQL server over the same database. */
import { expect } from 'vitest';
import { gql, type Harness } from '../../support/harness';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { BADGE_FIELDS, EXTRA_RULES, type Planted } from './dirty-data';
import { restoreDefaultRules } from './rules';

export interface QualityHarness {
  sync: SyncHarness;
  api: Harness;
  operator: string;
  admin: string;
  partner: string;
  q<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string): Promise<{ data: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Stores records in their emulators as given (16 at a time, or one by one: the order the CRMs then list them in). */
  plant(records: Planted[], concurrency?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startQualityHarness(): Promise<QualityHarness> {
  const sync = await startSyncHarness({ seed: 0, crms: ['SALESFORCE', 'HUBSPOT'], api: true });
  const api = sync.api!;
  const [operator, admin, partner] = [await api.keyFor('OPERATOR'), await api.keyFor('ADMIN'), await api.keyFor('PARTNER')];
  const person = { SALESFORCE: 'Lead', HUBSPOT: 'contacts' } as const;
  const urlOf = (r: Planted) => `${sync.emulators.get(r.crm)!.url}/_emulator/records/${r.object ?? person[r.crm]}`;
  return {
    sync,
    api,
    operator,
    admin,
    partner,
    async q(query, variables = {}, key = operator) {
      const r = await gql(api.url, query, variables, key);
      return r.body as never;
    },
    async plant(records, concurrency = 16) {
      const now = new Date().toISOString();
      let next = 0;
      const worker = async () => {
        while (next < records.length) {
          const r = records[next++]!;
          // HubSpot stamps a company's changes in hs_lastmodifieddate, a contact's in lastmodifieddate.
          const stamp = r.object === 'companies' ? 'hs_lastmodifieddate' : 'lastmodifieddate';
          const body = r.crm === 'SALESFORCE' ? r.fields : { id: r.remoteId, archived: false, properties: { ...r.fields, createdate: now, [stamp]: now } };
          const res = await fetch(urlOf(r), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (res.status !== 201) throw new Error(`planting ${r.remoteId} failed: ${res.status}`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
    close: () => sync.close(),
  };
}

/**
 * The CRMs of the dirty-data runs as their admins set them up: the default validation rules
 * plus the extra ones (EXTRA_RULES), and the badge custom field defined in each CRM and mapped
 * by each connection to `custom.badge`.
 */
export async function prepareDirtyCrms(h: QualityHarness): Promise<void> {
  await restoreDefaultRules(h.sync.db.dataSource);
  for (const crm of ['SALESFORCE', 'HUBSPOT'] as const) {
    const { object, remote } = BADGE_FIELDS[crm];
    expect(h.sync.emulators.get(crm)!.fields!.define(object, remote)).toBe(true);
    expect(await h.sync.connections.setCustomFields(h.sync.connectionIds.get(crm)!, [BADGE_FIELDS[crm]])).not.toBeNull();
  }
  for (const rule of EXTRA_RULES) {
    const r = await h.q(`mutation($input: ValidationRuleInput!) { upsertValidationRule(input: $input) { id enabled } }`, { input: rule }, h.admin);
    expect(r.errors).toBeUndefined();
  }
}
