/**
 * HubSpot's v3 request signature: base64 HMAC-SHA256, keyed with the app's client secret,
 * over method + full URI + raw body + the `X-HubSpot-Request-Timestamp` header. Requests
 * older than five minutes are refused, as HubSpot advises.
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest, WebhookSecrets, WebhookVerdict, WebhookVerifier } from '../crm-module';

const MAX_AGE_MS = 5 * 60_000;
const OBJECT_TYPES: Record<string, string> = { contact: 'contacts', company: 'companies' };

export const hubspotWebhooks: WebhookVerifier = {
  verify(req: WebhookRequest, { clientSecret }: WebhookSecrets, now: number): WebhookVerdict {
    const signature = req.headers['x-hubspot-signature-v3'];
    const timestamp = Number(req.headers['x-hubspot-request-timestamp']);
    if (!signature) return { ok: false, reason: 'missing X-HubSpot-Signature-v3' };
    if (!Number.isFinite(timestamp)) return { ok: false, reason: 'missing or malformed X-HubSpot-Request-Timestamp' };
    if (Math.abs(now - timestamp) > MAX_AGE_MS) return { ok: false, reason: 'stale timestamp (older than 5 minutes)' };
    // HubSpot decodes a few URL-encoded characters before signing; the URI is compared decoded.
    const uri = decodeURIComponent(req.url);
    const expected = createHmac('sha256', clientSecret).update(`${req.method.toUpperCase()}${uri}${req.rawBody}${timestamp}`).digest();
    const given = Buffer.from(signature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
    let events: unknown;
    try {
      events = JSON.parse(req.rawBody);
    } catch {
      return { ok: false, reason: 'body is not JSON' };
    }
    if (!Array.isArray(events)) return { ok: false, reason: 'body is not an array of events' };
    const types = new Set<string>();
    for (const e of events as Array<{ subscriptionType?: unknown }>) {
      const object = typeof e.subscriptionType === 'string' ? OBJECT_TYPES[e.subscriptionType.split('.')[0] ?? ''] : undefined;
      if (object) types.add(object);
    }
    return { ok: true, remoteTypes: [...types] };
  },
  deliveryId: (req) => `hubspot:${req.headers['x-hubspot-signature-v3'] ?? ''}:${req.headers['x-hubspot-request-timestamp'] ?? ''}`,
};
