/**
 * A sync harness's CRM announcing its changes to Junction: the API serves change
 * notifications, and the CRM's emulator is told the endpoint URL (as an admin pastes it).
 */
import { expect } from 'vitest';
import { WebhookService } from '../../src/process/sync/runs/webhook.service';
import type { CrmKind } from '../../src/system';
import { startHarness, type Harness } from './harness';
import type { SyncHarness } from './sync-harness';

export async function serveWebhooks(h: SyncHarness, kind: CrmKind): Promise<Harness> {
  const webhooks = new WebhookService(h.db.dataSource, h.cipher, h.runs);
  const api = await startHarness(h.db, { connections: h.connections, webhooks });
  const registered = await fetch(`${h.emulators.get(kind)!.url}/_emulator/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: await webhooks.endpointUrl(h.connectionIds.get(kind)!, api.url) }),
  });
  expect(registered.status).toBe(201);
  return api;
}

/** One person linked in `kind` (its contacts) and in HubSpot: the record a change is made to, and the one it must reach. */
export async function personLinkedToHubspot(h: SyncHarness, kind: CrmKind): Promise<{ remote_id: string; hubspot_id: string }> {
  const [person] = await h.sql<{ remote_id: string; hubspot_id: string }>(
    `SELECT s.remote_id, hs.remote_id AS hubspot_id FROM source_links s JOIN source_links hs ON hs.record_id = s.record_id AND hs.connection_id = $2 AND hs.remote_type = 'contacts'
      WHERE s.connection_id = $1 AND s.remote_type = 'contacts' ORDER BY s.remote_id LIMIT 1`,
    [h.connectionIds.get(kind), h.connectionIds.get('HUBSPOT')],
  );
  return person!;
}
