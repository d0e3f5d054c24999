/**
 * Outbound messages the way Salesforce sends them: each create or update made through the API
 * becomes a `Notification` (its own id, the record's Id and fields) in a SOAP `notifications`
 * message, one message per object (one outbound-message action each), up to 100 notifications,
 * POSTed as text/xml to every registered receiver. A receiver that does not answer
 * `<Ack>true</Ack>` gets the same message again, with the same notification ids, as
 * Salesforce retries (here after 0.5 s and 1 s, then it is dropped).
 * https://developer.salesforce.com/docs/platform/api/guide/sforce-api-om-outboundmessaging-wsdl.html
 */
import type { EmulatorContext } from '../../emulator-kit';
import { descendantOf, readXml } from '../../xml-reader';
import { IdFactory } from './ids';
import { ORG_ID, type ObjectName } from './schema';
import type { SRecord } from './store';

const MAX_NOTIFICATIONS = 100;
/** Notifications of one burst of writes go out together. */
const BATCH_DELAY_MS = 25;
const RETRY_DELAYS_MS = [500, 1_000];
const API_VERSION = '59.0';
/** One outbound-message action (workflow rule or flow) per object, as an org would set up. */
const ACTION_IDS: Record<ObjectName, string> = { Lead: '04k5g00000LEADAAAA', Contact: '04k5g00000CONTAAAA', Account: '04k5g00000ACCTAAAA' };

/** Whether a receiver's answer is `notificationsResponse` with `<Ack>true</Ack>`, read with the bounded reader. */
function acknowledged(answer: string): boolean {
  try {
    return descendantOf(readXml(answer), 'Ack')?.text.trim() === 'true';
  } catch {
    return false;
  }
}

const escapeXml = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fieldsXml(record: SRecord): string {
  return Object.entries(record)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `<sf:${k}>${escapeXml(String(v))}</sf:${k}>`)
    .join('');
}

export class OutboundMessenger {
  private queue = new Map<ObjectName, Array<{ notificationId: string; record: SRecord }>>();
  private timer: NodeJS.Timeout | undefined;
  private retries = new Set<NodeJS.Timeout>();
  private ids = new IdFactory();

  constructor(
    private ctx: EmulatorContext,
    private ownUrl: () => string,
  ) {}

  record(type: ObjectName, record: SRecord): void {
    if (this.ctx.webhooks.length === 0) return;
    const pending = this.queue.get(type) ?? [];
    pending.push({ notificationId: this.ids.next('04l'), record: { ...record } });
    this.queue.set(type, pending);
    this.timer ??= setTimeout(() => this.flush(), BATCH_DELAY_MS).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.retries) clearTimeout(t);
    this.timer = undefined;
    this.retries.clear();
    this.queue.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const batches = [...this.queue.entries()];
    this.queue.clear();
    for (const [type, pending] of batches) {
      for (let i = 0; i < pending.length; i += MAX_NOTIFICATIONS) {
        const body = this.message(type, pending.slice(i, i + MAX_NOTIFICATIONS));
        for (const url of this.ctx.webhooks) this.deliver(url, body, 0);
      }
    }
  }

  private message(type: ObjectName, notifications: Array<{ notificationId: string; record: SRecord }>): string {
    const base = this.ownUrl();
    const org15 = ORG_ID.slice(0, 15);
    const items = notifications
      .map(
        (n) =>
          `<Notification><Id>${n.notificationId}</Id><sObject xsi:type="sf:${type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fieldsXml(n.record)}</sObject></Notification>`,
      )
      .join('');
    return (
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
      `<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${ORG_ID}</OrganizationId>` +
      `<ActionId>${ACTION_IDS[type]}</ActionId><SessionId xsi:nil="true"/>` +
      `<EnterpriseUrl>${base}/services/Soap/c/${API_VERSION}/${org15}</EnterpriseUrl><PartnerUrl>${base}/services/Soap/u/${API_VERSION}/${org15}</PartnerUrl>` +
      `${items}</notifications></soapenv:Body></soapenv:Envelope>`
    );
  }

  private deliver(url: string, body: string, attempt: number): void {
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""', 'user-agent': 'Salesforce Outbound Notification' },
      body,
      signal: AbortSignal.timeout(5_000),
    })
      .then(async (res) => acknowledged(await res.text()) && res.ok)
      .catch(() => false)
      .then((acked) => {
        const delay = RETRY_DELAYS_MS[attempt];
        if (acked || delay === undefined) return;
        const timer = setTimeout(() => {
          this.retries.delete(timer);
          this.deliver(url, body, attempt + 1);
        }, delay).unref();
        this.retries.add(timer);
      });
  }
}
