/**
 * Change notifications the way HubSpot delivers them: batches (≤ 100) of
 * `{object}.creation`, `{object}.propertyChange` and `{object}.deletion` events, POSTed to
 * every registered receiver, signed with the v3 signature over the sandbox client secret.
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 */
import { createHmac } from 'node:crypto';
import { WebhookOutbox, type EmulatorContext, type WebhookDelivery } from '../../emulator-kit';
import { HUBSPOT_OBJECTS, type HubspotObject } from '../descriptor';
import { SANDBOX } from './routes-oauth';

export interface StoreChange {
  object: HubspotObject;
  kind: 'creation' | 'propertyChange' | 'deletion';
  objectId: string;
  occurredAt: number;
  /** Changed properties (propertyChange only). */
  changed?: Record<string, string | null>;
}

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeSource: 'API';
  changeFlag?: 'CREATED' | 'DELETED';
  propertyName?: string;
  propertyValue?: string;
}

export const PORTAL_ID = 62515;
const APP_ID = 4102;
const SUBSCRIPTION_IDS: Record<StoreChange['kind'], number> = { creation: 1, propertyChange: 2, deletion: 3 };
const MAX_EVENTS_PER_REQUEST = 100;
/** Events of one burst of writes go out together, as HubSpot batches them. */
const BATCH_DELAY_MS = 25;

/** `X-HubSpot-Signature-v3`: base64 HMAC-SHA256 of method + URI + body + timestamp. */
export function signV3(secret: string, method: string, uri: string, body: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`).digest('base64');
}

export class WebhookNotifier {
  private eventId = 0;
  private outbox: WebhookOutbox<WebhookEvent>;

  constructor(ctx: EmulatorContext) {
    this.outbox = new WebhookOutbox(ctx.webhooks, BATCH_DELAY_MS, (events) => {
      const batches: WebhookDelivery[] = [];
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_REQUEST) {
        const body = JSON.stringify(events.slice(i, i + MAX_EVENTS_PER_REQUEST));
        batches.push({
          body,
          headers: (url) => {
            const timestamp = Date.now();
            return {
              'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
              'x-hubspot-request-timestamp': String(timestamp),
              'x-hubspot-signature-v3': signV3(SANDBOX.clientSecret, 'POST', url, body, timestamp),
              'x-hubspot-signature-version': 'v3',
            };
          },
        });
      }
      return batches;
    });
  }

  record(change: StoreChange): void {
    if (!this.outbox.listening) return;
    const singular = HUBSPOT_OBJECTS[change.object].singular;
    const base = {
      subscriptionId: SUBSCRIPTION_IDS[change.kind],
      portalId: PORTAL_ID,
      appId: APP_ID,
      occurredAt: change.occurredAt,
      subscriptionType: `${singular}.${change.kind}`,
      attemptNumber: 0,
      objectId: Number(change.objectId),
      changeSource: 'API' as const,
    };
    if (change.kind === 'propertyChange') {
      for (const [propertyName, value] of Object.entries(change.changed ?? {})) {
        this.outbox.record({ eventId: ++this.eventId, ...base, propertyName, propertyValue: value ?? '' });
      }
    } else {
      this.outbox.record({ eventId: ++this.eventId, ...base, changeFlag: change.kind === 'creation' ? 'CREATED' : 'DELETED' });
    }
  }

  stop(): void {
    this.outbox.stop();
  }
}
