/**
 * A real webhook route (`POST /webhooks/:connectionId`) over the test database, for one
 * connection of the given CRM: what the attacks on change notifications are sent to.
 */
import { createJunctionPubSub } from '../../src/experience';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { Database } from '../../src/process/store/database';
import { SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { WebhookService } from '../../src/process/sync/runs/webhook.service';
import type { CrmKind } from '../../src/system';
import { startHarness, type Harness } from '../support/harness';
import { openTestDatabase, resetDatabase } from '../support/database';
import { SANDBOX } from '../support/sync-harness';

export interface WebhookReceiver {
  db: Database;
  api: Harness;
  connectionId: string;
  /** The endpoint without any key (`${api.url}/webhooks/<id>`). */
  url: string;
  close(): Promise<void>;
}

/** `settings`: what the connection's first token answer would have stored (Salesforce's organizationId). */
export async function startWebhookReceiver(kind: CrmKind, settings: Record<string, unknown> = {}): Promise<WebhookReceiver> {
  const db = await openTestDatabase();
  await resetDatabase(db);
  const cipher = new CredentialsCipher(generateMasterKey());
  const connections = new ConnectionService(db.dataSource, cipher);
  // Nothing listens on port 9 (discard): no run this file queues ever reaches a CRM.
  const { id } = await connections.create({ name: `${kind} under attack`, kind, baseUrl: 'http://127.0.0.1:9', credentials: SANDBOX });
  await db.dataSource.query(`UPDATE connections SET settings = $2::jsonb WHERE id = $1`, [id, JSON.stringify(settings)]);
  const bundle = createJunctionPubSub();
  const webhooks = new WebhookService(db.dataSource, cipher, new SyncRunService(db.dataSource, bundle.events));
  const api = await startHarness(db, { connections, webhooks });
  return {
    db,
    api,
    connectionId: id,
    url: `${api.url}/webhooks/${id}`,
    async close() {
      await api.close();
      await bundle.close();
      await db.close();
    },
  };
}
