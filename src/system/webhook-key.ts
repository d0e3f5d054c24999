/**
 * The per-connection key a CRM's change notifications must carry where the vendor does not
 * sign them (Salesforce outbound messages, Dataverse webhooks): HMAC-SHA256 over the
 * connection id, keyed with the connection's client secret, base64url. It is derived, not
 * stored, so it changes when the secret is rotated and never appears in the database; it is
 * given once to the vendor in the endpoint URL (`?key=` for Salesforce, Dataverse's
 * WebhookKey `?code=`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConnectionCredentials } from './system-api';

/**
 * The secret that keys a connection's notifications: its client secret; a connection without
 * one (JWT bearer, a private-app token) uses the secret it authenticates with instead.
 */
export function webhookSecret(credentials: ConnectionCredentials): string {
  return credentials.clientSecret ?? credentials.privateKeyPem ?? credentials.accessToken ?? '';
}

export function webhookKey(clientSecret: string, connectionId: string): string {
  return createHmac('sha256', clientSecret).update(`junction-webhook:${connectionId}`).digest('base64url');
}

/** Constant-time comparison of the key a request carried with the connection's key. */
export function webhookKeyMatches(given: string | null | undefined, clientSecret: string, connectionId: string): boolean {
  if (!given) return false;
  const expected = Buffer.from(webhookKey(clientSecret, connectionId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
