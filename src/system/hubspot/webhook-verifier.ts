/**
 * HubSpot's v3 request signature: base64 HMAC-SHA256, keyed with the app's client secret,
 * over method + full URI + raw body + the `X-HubSpot-Request-Timestamp` header. Requests
 * older than five minutes are refused, as HubSpot advises.
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest, WebhookSecrets, WebhookVerdict, WebhookVerifier } from '../crm-module';

const MAX_AGE_MS = 5 * 60_000;
/**
 * The only spellings accepted: a timestamp in plain decimal milliseconds, and the signature
 * as standard, padded base64 of the 32-byte HMAC. `Number()` and `Buffer.from(…, 'base64')`
 * also read `0ts`, `+ts`, `ts.0`, `0x…`, unpadded, base64url and spaced forms, each a new
 * header value for the same signed request, so a replay re-spelled that way looked fresh.
 */
const CANONICAL_TIMESTAMP = /^[1-9][0-9]{0,15}$/;
const CANONICAL_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/** The decoded signature, or undefined when the header is not its one canonical spelling (spare bits must be zero too). */
function canonicalSignature(header: string): Buffer | undefined {
  if (!CANONICAL_SIGNATURE.test(header)) return undefined;
  const bytes = Buffer.from(header, 'base64');
  return bytes.toString('base64') === header ? bytes : undefined;
}
const OBJECT_TYPES: Record<string, string> = { contact: 'contacts', company: 'companies' };

export const hubspotWebhooks: WebhookVerifier = {
  verify(req: WebhookRequest, { clientSecret }: WebhookSecrets, now: number): WebhookVerdict {
    const signature = req.headers['x-hubspot-signature-v3'];
    const timestampHeader = req.headers['x-hubspot-request-timestamp'] ?? '';
    if (!signature) return { ok: false, reason: 'missing X-HubSpot-Signature-v3' };
    if (!CANONICAL_TIMESTAMP.test(timestampHeader)) return { ok: false, reason: 'missing or non-canonical X-HubSpot-Request-Timestamp (decimal milliseconds)' };
    const timestamp = Number(timestampHeader);
    if (Math.abs(now - timestamp) > MAX_AGE_MS) return { ok: false, reason: 'stale timestamp (older than 5 minutes)' };
    // HubSpot decodes a few URL-encoded characters before signing; the URI is compared decoded.
    const uri = decodeURIComponent(req.url);
    const expected = createHmac('sha256', clientSecret).update(`${req.method.toUpperCase()}${uri}${req.rawBody}${timestamp}`).digest();
    const given = canonicalSignature(signature);
    if (!given) return { ok: false, reason: 'non-canonical X-HubSpot-Signature-v3 (padded standard base64 of 32 bytes)' };
    if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
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
  // Keyed on what was signed, not on how the headers spelled it: the signature's bytes and the numeric timestamp.
  deliveryId: (req) =>
    `hubspot:${Buffer.from(req.headers['x-hubspot-signature-v3'] ?? '', 'base64').toString('hex')}:${Number(req.headers['x-hubspot-request-timestamp'])}`,
};
