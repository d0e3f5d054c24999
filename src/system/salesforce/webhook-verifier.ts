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
import { attributeOf, childOf, childrenOf, childText, readXml, type XmlElement } from '../xml-reader';

const KEY_PARAMETER = 'key';

export const OUTBOUND_NAMESPACE = 'http://soap.sforce.com/2005/09/outbound';

/** The acknowledgement Salesforce waits for; without it the message is retried. */
export const OUTBOUND_ACK: WebhookReply = {
  contentType: 'text/xml; charset=utf-8',
  body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="${OUTBOUND_NAMESPACE}"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>`,
};

const SOAP_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';
const XML_SCHEMA_INSTANCE = 'http://www.w3.org/2001/XMLSchema-instance';

interface Notification {
  id: string;
  type: string;
}

interface OutboundMessage {
  organizationId?: string;
  notifications: Notification[];
}

/**
 * The `notifications` element of a SOAP body, read with the bounded XML reader: its
 * OrganizationId and each `Notification`'s own Id and the sObject type it names
 * (`xsi:type="sf:Contact"`). A string when the body is not such a message.
 */
function readMessage(rawBody: string): OutboundMessage | string {
  let envelope: XmlElement;
  try {
    envelope = readXml(rawBody);
  } catch (err) {
    return `body is not well-formed XML within bounds (${(err as Error).message})`;
  }
  const body = envelope.local === 'Envelope' && envelope.uri === SOAP_ENVELOPE ? childOf(envelope, 'Body', SOAP_ENVELOPE) : undefined;
  const message = childOf(body, 'notifications', OUTBOUND_NAMESPACE);
  if (!message) return 'body is not an outbound message (no notifications element)';
  const notifications = childrenOf(message, 'Notification', OUTBOUND_NAMESPACE).map((n) => ({
    id: childText(n, 'Id', OUTBOUND_NAMESPACE) ?? '',
    type: (attributeOf(childOf(n, 'sObject', OUTBOUND_NAMESPACE), 'type', XML_SCHEMA_INSTANCE) ?? '').split(':').at(-1) ?? '',
  }));
  return { organizationId: childText(message, 'OrganizationId', OUTBOUND_NAMESPACE) || undefined, notifications };
}

/** verify and deliveryId read the same body one after the other: it is parsed once. */
let lastRead: { rawBody: string; message: OutboundMessage | string } | undefined;
function messageOf(rawBody: string): OutboundMessage | string {
  if (lastRead?.rawBody !== rawBody) lastRead = { rawBody, message: readMessage(rawBody) };
  return lastRead.message;
}

/** Salesforce ids compare on their case-sensitive 15-character form (the 18-character form adds a checksum). */
const sameOrg = (a: string, b: string) => a.slice(0, 15) === b.slice(0, 15);

export const salesforceOutboundMessages: WebhookVerifier = {
  verify(req: WebhookRequest, secrets: WebhookSecrets, _now: number): WebhookVerdict {
    const key = new URL(req.url, 'http://receiver.invalid').searchParams.get(KEY_PARAMETER);
    if (!webhookKeyMatches(key, secrets.clientSecret, secrets.connectionId)) return { ok: false, reason: 'endpoint key does not match' };
    const message = messageOf(req.rawBody);
    if (typeof message === 'string') return { ok: false, reason: message };
    const org = message.organizationId;
    if (!org) return { ok: false, reason: 'outbound message without OrganizationId' };
    if (!secrets.organizationId) return { ok: false, reason: 'organization of this connection not known yet (no session opened)' };
    if (!sameOrg(org, secrets.organizationId)) return { ok: false, reason: 'OrganizationId is not the connection’s org' };
    const { notifications } = message;
    if (notifications.length === 0 || notifications.some((n) => !n.id)) return { ok: false, reason: 'outbound message without notification ids' };
    return { ok: true, remoteTypes: [...new Set(notifications.map((n) => n.type).filter(Boolean))], reply: OUTBOUND_ACK };
  },
  deliveryId(req) {
    const message = messageOf(req.rawBody);
    return typeof message === 'string' ? [] : message.notifications.map((n) => `salesforce:${n.id}`);
  },
  replays: 'acknowledge',
  keyParameter: KEY_PARAMETER,
};
