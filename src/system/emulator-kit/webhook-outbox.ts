/**
 * What the emulators' change notifications share: changes recorded during a burst of writes
 * go out together a moment later (as the vendors batch them), POSTed to every registered
 * receiver. A failed POST (no answer, a reset keep-alive socket, a 5xx) is sent again a
 * moment later, as Salesforce, HubSpot and Dataverse retry theirs; a receiver still down after
 * the last attempt misses it, and the sync's polling catches up. Each vendor decides the bodies and headers (HubSpot's signed batches, Dataverse's one
 * execution context per step).
 */
export interface WebhookDelivery {
  body: string;
  /** Headers for one receiver (a signature covers its URL; a request id is per request). */
  headers(url: string): Record<string, string>;
}

const RECEIVER_TIMEOUT_MS = 5_000;
/** Waits before the second and third attempt (the vendors' own go on for hours; tests need seconds). */
const RETRY_DELAYS_MS = [100, 400];

export class WebhookOutbox<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Bumped by stop(): retries of deliveries made before it are dropped (the outbox itself goes on being used). */
  private generation = 0;

  constructor(
    private receivers: readonly string[],
    private delayMs: number,
    private deliveries: (items: T[]) => WebhookDelivery[],
  ) {}

  /** False while no receiver is registered: nothing is recorded. */
  get listening(): boolean {
    return this.receivers.length > 0;
  }

  record(item: T): void {
    if (!this.listening) return;
    this.queue.push(item);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs).unref();
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private flush(): void {
    this.timer = undefined;
    for (const d of this.deliveries(this.queue.splice(0))) for (const url of this.receivers) void this.post(url, d);
  }

  private async post(url: string, d: WebhookDelivery): Promise<void> {
    const generation = this.generation;
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) {
        await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt - 1]).unref());
        if (generation !== this.generation) return;
      }
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...d.headers(url) },
          body: d.body,
          signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
        });
        await res.body?.cancel();
        if (res.status < 500) return;
      } catch {
        // Sent again below.
      }
    }
  }
}
