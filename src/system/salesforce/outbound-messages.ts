/**
 * Salesforce outbound messages (workflow/flow "Send Outbound Message"): a SOAP `notifications`
 * POST with OrganizationId, ActionId, SessionId, EnterpriseUrl/PartnerUrl and up to 100
 * `Notification`s, each an `Id` plus an `sObject` (`xsi:type="sf:Contact"`, its Id and the
 * chosen fields). The listener answers `<Ack>true</Ack>`; until it does, Salesforce retries
 * the same notification ids.
 * https://developer.salesforce.com/docs/platform/api/guide/sforce-api-om-outboundmessaging-wsdl.html
 *
 * Salesforce does not sign outbound messages (its only sender proof is an optional client
 * certificate, which needs TLS termination we do not own). So a message is trusted when
 * (1) its endpoint URL carries the connection's key (`?key=`, HMAC of the connection id under
 * the client secret: see webhook-key.ts), which only someone holding the connection's
 * credentials can compute, and (2) its OrganizationId is the org this connection's sessions
 * belong to (from the token answer's identity URL), so a key pasted into another org's
 * outbound message is refused too.
 */
import type { WebhookReply, WebhookRequest, WebhookSecrets, WebhookVerdict, WebhookVerifier } from '../crm-module';
import { webhookKeyMatches } from '../webhook-key';

const KEY_PARAMETER = 'key';

export const OUTBOUND_NAMESPACE = 'http://soap.sforce.com/2005/09/outbound';

/** The acknowledgement Salesforce waits for; without it the message is retried. */
export const OUTBOUND_ACK: WebhookReply = {
  contentType: 'text/xml; charset=utf-8',
  body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="${OUTBOUND_NAMESPACE}"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>`,
};

const text = (xml: string, name: string): string | undefined =>
  new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml)?.[1]?.trim();

interface Notification {
  id: string;
  type: string;
}

/** The `Notification` blocks of a `notifications` body: their ids and the sObject type each names. */
function notificationsOf(xml: string): Notification[] {
  const blocks = [...xml.matchAll(/<(?:[\w-]+:)?Notification(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w-]+:)?Notification>/g)].map((m) => m[1]!);
  return blocks.map((block) => {
    // The notification's own Id precedes the sObject (whose Id is the record's).
    const head = block.split(/<(?:[\w-]+:)?sObject[\s>]/)[0] ?? '';
    const type = /<(?:[\w-]+:)?sObject\s[^>]*xsi:type="(?:[\w-]+:)?(\w+)"/.exec(block)?.[1] ?? '';
    return { id: text(head, 'Id') ?? '', type };
  });
}

/** Salesforce ids compare on their case-sensitive 15-character form (the 18-character form adds a checksum). */
const sameOrg = (a: string, b: string) => a.slice(0, 15) === b.slice(0, 15);

export const salesforceOutboundMessages: WebhookVerifier = {
  verify(req: WebhookRequest, secrets: WebhookSecrets, _now: number): WebhookVerdict {
    const key = new URL(req.url, 'http://receiver.invalid').searchParams.get(KEY_PARAMETER);
    if (!webhookKeyMatches(key, secrets.clientSecret, secrets.connectionId)) return { ok: false, reason: 'endpoint key does not match' };
    if (!/<(?:[\w-]+:)?notifications[\s>]/.test(req.rawBody)) return { ok: false, reason: 'body is not an outbound message (no notifications element)' };
    const org = text(req.rawBody, 'OrganizationId');
    if (!org) return { ok: false, reason: 'outbound message without OrganizationId' };
    if (!secrets.organizationId) return { ok: false, reason: 'organization of this connection not known yet (no session opened)' };
    if (!sameOrg(org, secrets.organizationId)) return { ok: false, reason: 'OrganizationId is not the connection’s org' };
    const notifications = notificationsOf(req.rawBody);
    if (notifications.length === 0 || notifications.some((n) => !n.id)) return { ok: false, reason: 'outbound message without notification ids' };
    return { ok: true, remoteTypes: [...new Set(notifications.map((n) => n.type).filter(Boolean))], reply: OUTBOUND_ACK };
  },
  deliveryId: (req) => notificationsOf(req.rawBody).map((n) => `salesforce:${n.id}`),
  replays: 'acknowledge',
  keyParameter: KEY_PARAMETER,
};
