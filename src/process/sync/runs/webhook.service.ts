/**
 * Real-time triggers: a CRM's change notification, once its signature checks out and it is
 * not a replay, queues an immediate incremental run for that connection. Polling stays as
 * the backstop, so a lost notification delays a change, never loses it.
 */
import { IsNull, type DataSource } from 'typeorm';
import { crmModule, webhookKey, webhookSecret, type ConnectionCredentials, type WebhookReply, type WebhookRequest } from '../../../system';
import type { CredentialsCipher } from '../../security/credentials-cipher';
import { ConnectionEntity } from '../../store/entities';
import { recordWebhookDeliveries } from '../../store/runs/idempotency-key.repository';
import type { SyncRunService } from './sync-run.service';

/**
 * `reply`: the body the vendor expects for an accepted delivery (none: 204). A replay of a
 * vendor that retries until acknowledged is answered with that reply but starts no run
 * (`replayed`, no runId); other replays are refused with 409.
 */
export type WebhookOutcome =
  | { accepted: true; runId?: string; replayed?: boolean; remoteTypes: string[]; reply?: WebhookReply }
  | { accepted: false; status: 401 | 404 | 409; reason: string };

export class WebhookService {
  constructor(
    private db: DataSource,
    private cipher: CredentialsCipher,
    private runs: Pick<SyncRunService, 'notified'>,
    private now: () => number = Date.now,
  ) {}

  /**
   * The URL to give the CRM for this connection's notifications (`publicBaseUrl` is where the
   * CRM reaches Junction), with the connection's key where the vendor signs nothing.
   * Undefined when there is no such connection or its CRM sends no notifications.
   */
  async endpointUrl(connectionId: string, publicBaseUrl: string): Promise<string | undefined> {
    const connection = await this.db.getRepository(ConnectionEntity).findOneBy({ id: connectionId, deletedAt: IsNull() });
    const verifier = connection ? crmModule(connection.kind).webhooks : undefined;
    if (!connection || !verifier) return undefined;
    const url = new URL(`${publicBaseUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(connectionId)}`);
    if (verifier.keyParameter) {
      const secret = webhookSecret(this.cipher.decrypt<ConnectionCredentials>(connection.credentialsSealed));
      url.searchParams.set(verifier.keyParameter, webhookKey(secret, connectionId));
    }
    return url.toString();
  }

  async receive(connectionId: string, request: WebhookRequest): Promise<WebhookOutcome> {
    const connection = await this.db.getRepository(ConnectionEntity).findOneBy({ id: connectionId, deletedAt: IsNull() });
    const verifier = connection ? crmModule(connection.kind).webhooks : undefined;
    if (!connection || !verifier) return { accepted: false, status: 404, reason: 'no connection here receives change notifications' };
    const clientSecret = webhookSecret(this.cipher.decrypt<ConnectionCredentials>(connection.credentialsSealed));
    const organizationId = typeof connection.settings?.organizationId === 'string' ? connection.settings.organizationId : undefined;
    const verdict = verifier.verify(request, { connectionId, clientSecret, organizationId }, this.now());
    if (!verdict.ok) return { accepted: false, status: 401, reason: verdict.reason };
    // One row per delivery (kept with the idempotency keys): a second arrival is a replay.
    // Where a delivery names several changes (Salesforce), it is a replay only when every one was seen.
    const ids = [verifier.deliveryId(request)].flat().map((id) => `webhook:${connectionId}:${id}`);
    if ((await recordWebhookDeliveries(this.db, ids)) === 0) {
      if (verifier.replays === 'acknowledge') return { accepted: true, replayed: true, remoteTypes: verdict.remoteTypes, reply: verdict.reply };
      return { accepted: false, status: 409, reason: 'replayed delivery' };
    }
    // A run already running (of any kind) is followed by an incremental one when it ends.
    const triggered = await this.runs.notified(connectionId);
    const runId = triggered.kind === 'CONFLICT' ? undefined : triggered.run.id;
    return { accepted: true, runId, remoteTypes: verdict.remoteTypes, reply: verdict.reply };
  }
}
