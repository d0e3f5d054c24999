/**
 * Change notifications the way HubSpot delivers them: batches (≤ 100) of
 * `{object}.creation`, `{object}.propertyChange` and `{object}.deletion` events, POSTed to
 * every registered receiver, signed with the v3 signature over the sandbox client secret.
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 */
import { createHmac } from 'node:crypto';
import type { EmulatorContext } from '../../emulator-kit';
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

const PORTAL_ID = 62515;
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
  private queue: WebhookEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private eventId = 0;

  constructor(private ctx: EmulatorContext) {}

  record(change: StoreChange): void {
    if (this.ctx.webhooks.length === 0) return;
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
        this.queue.push({ eventId: ++this.eventId, ...base, propertyName, propertyValue: value ?? '' });
      }
    } else {
      this.queue.push({ eventId: ++this.eventId, ...base, changeFlag: change.kind === 'creation' ? 'CREATED' : 'DELETED' });
    }
    this.timer ??= setTimeout(() => this.flush(), BATCH_DELAY_MS).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private flush(): void {
    this.timer = undefined;
    const events = this.queue.splice(0);
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_REQUEST) {
      const body = JSON.stringify(events.slice(i, i + MAX_EVENTS_PER_REQUEST));
      for (const url of this.ctx.webhooks) {
        const timestamp = Date.now();
        // Best effort: a receiver that is down simply misses the batch.
        void fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
            'x-hubspot-request-timestamp': String(timestamp),
            'x-hubspot-signature-v3': signV3(SANDBOX.clientSecret, 'POST', url, body, timestamp),
            'x-hubspot-signature-version': 'v3',
          },
          body,
          signal: AbortSignal.timeout(5_000),
        }).catch(() => undefined);
      }
    }
  }
}
