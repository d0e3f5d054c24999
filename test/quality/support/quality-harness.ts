/** Sync harness (emulators + DB + engine) plus a GraphQL server over the same database. */
import { attachQuarantineEvents } from '../../../src/process/quality/quarantine-events';
import { startHarness, gql, type Harness } from '../../experience/harness';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import type { Planted } from './dirty-data';

export interface QualityHarness {
  sync: SyncHarness;
  api: Harness;
  operator: string;
  admin: string;
  partner: string;
  q<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string): Promise<{ data: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  plant(records: Planted[]): Promise<void>;
  close(): Promise<void>;
}

export async function startQualityHarness(): Promise<QualityHarness> {
  const sync = await startSyncHarness({ seed: 0, crms: ['SALESFORCE', 'HUBSPOT'] });
  const api = await startHarness(sync.db);
  attachQuarantineEvents(api.bundle.events);
  const [operator, admin, partner] = [await api.keyFor('OPERATOR'), await api.keyFor('ADMIN'), await api.keyFor('PARTNER')];
  const urls = { SALESFORCE: `${sync.emulators.get('SALESFORCE')!.url}/_emulator/records/Lead`, HUBSPOT: `${sync.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts` };
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
    async plant(records) {
      const now = new Date().toISOString();
      let next = 0;
      const worker = async () => {
        while (next < records.length) {
          const r = records[next++]!;
          const body = r.crm === 'SALESFORCE' ? r.fields : { id: r.remoteId, archived: false, properties: { ...r.fields, createdate: now, lastmodifieddate: now } };
          const res = await fetch(urls[r.crm], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (res.status !== 201) throw new Error(`planting ${r.remoteId} failed: ${res.status}`);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    },
    async close() {
      await api.close();
      await sync.close();
    },
  };
}
