/**
 * Delivers alert events to a configured webhook: a JSON body signed with HMAC-SHA256
 * (`x-junction-signature: sha256=<hex>` over the exact body bytes), retried with
 * exponential backoff so a receiver that is briefly down still gets every event. The Slack
 * channel is the same delivery with a Slack-compatible incoming-webhook body ({ text }):
 * unsigned, because such a URL is itself the secret.
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-junction-signature';

export interface WebhookOptions {
  url: string;
  /** Signs each body; absent for a Slack incoming webhook, whose URL is the secret. */
  secret?: string;
  /** @default 5 */
  attempts?: number;
  /** First wait; doubles each retry. @default 500 */
  baseDelayMs?: number;
  /** @default 10_000 */
  timeoutMs?: number;
  log?: (level: 'info' | 'warn', msg: string, data: Record<string, unknown>) => void;
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class AlertWebhook {
  private inFlight = new Set<Promise<boolean>>();
  private closed = false;

  constructor(private options: WebhookOptions) {}

  /** Fire and forget, but tracked so `close()` can wait for what is still being sent. */
  send(event: string, payload: Record<string, unknown>): void {
    const p = this.deliver(event, this.render(event, payload)).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Resolves true once a 2xx answer came back, false after the last attempt failed. */
  async deliver(event: string, body: string): Promise<boolean> {
    const { url, secret, attempts = 5, baseDelayMs = 500, timeoutMs = 10_000, log } = this.options;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-junction-event': event, ...(secret ? { [SIGNATURE_HEADER]: signBody(body, secret) } : {}) };
    for (let attempt = 1; attempt <= attempts && !this.closed; attempt++) {
      let reason: string;
      try {
        const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        if (res.ok) return true;
        reason = `HTTP ${res.status}`;
        // 4xx other than 408/429 will not get better by asking again.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) attempt = attempts;
      } catch (err) {
        reason = err instanceof Error ? err.name : 'error';
      }
      log?.('warn', 'alert webhook delivery failed', { event, attempt, reason });
      if (attempt < attempts) await new Promise((r) => setTimeout(r, baseDelayMs * 2 ** (attempt - 1)));
    }
    return false;
  }

  protected render(event: string, payload: Record<string, unknown>): string {
    return JSON.stringify({ event, ...payload });
  }

  async close(): Promise<void> {
    // Give deliveries under way a moment, then stop retrying.
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 2000))]);
    this.closed = true;
  }
}

/** Slack's (and Mattermost's, Teams' legacy) incoming-webhook body: one line a person reads in a channel. */
export class SlackWebhook extends AlertWebhook {
  constructor(options: Omit<WebhookOptions, 'secret'>) {
    super(options);
  }

  protected override render(event: string, payload: Record<string, unknown>): string {
    const state = event === 'alert.resolved' ? 'Resolved' : 'Alert';
    return JSON.stringify({ text: `[${state} · ${String(payload.severity)} · ${String(payload.kind)}] ${String(payload.message)}` });
  }
}
