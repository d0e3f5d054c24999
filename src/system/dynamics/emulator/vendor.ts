/**
 * The Dataverse side of the emulator shell: faults, service-protection usage headers,
 * routing, raw records.
 *
 * Dataverse has no daily REST quota (only the 5-minute service-protection window and
 * licence entitlements), so the shell's `quotaExceeded` answers what an org over its
 * request budget sees: 429 with 0x80072322 and a Retry-After.
 */
import type { EmulatorRequest, EmulatorResponse, QuotaState, ResetOptions, VendorEmulator } from '../../emulator-kit';
import { DATAVERSE_LIMITS, resolveEntitySet } from '../descriptor';
import { serviceUnavailable, tooManyRequests } from './errors';
import { TOKEN_PATH, route } from './routes';
import { resetSchema, type DataverseState } from './state';

/** What a client is told to wait when the emulator's "quota" is spent. */
const QUOTA_RETRY_AFTER_SECONDS = 5;
/** Combined execution time allowed per window, in ms (crm-wire §3). */
const EXECUTION_BUDGET_MS = 1_200_000;

export class DataverseEmulator implements VendorEmulator {
  readonly name = 'Dataverse';
  /** No daily limit exists; the shell's daily counter only ever trips through `quotaRemaining`. */
  readonly dailyLimit = Number.MAX_SAFE_INTEGER;
  /** Requests in the sliding 5-minute window: arrival time and measured handling time. */
  private window: Array<{ at: number; ms: number }> = [];

  constructor(private state: DataverseState) {}

  isExempt(req: EmulatorRequest): boolean {
    return TOKEN_PATH.test(req.path);
  }

  rateLimited(retryAfterSeconds: number): EmulatorResponse {
    return tooManyRequests(retryAfterSeconds);
  }

  serverError(): EmulatorResponse {
    return serviceUnavailable();
  }

  quotaExceeded(): EmulatorResponse {
    return tooManyRequests(QUOTA_RETRY_AFTER_SECONDS);
  }

  /** `x-ms-ratelimit-*-remaining-xrm-requests`, from this emulator's own 5-minute window. */
  usageHeaders(_usage: QuotaState): Record<string, string> {
    const now = this.state.ctx.clock.now();
    this.window = this.window.filter((w) => now - w.at < DATAVERSE_LIMITS.windowMs);
    const spentMs = this.window.reduce((sum, w) => sum + w.ms, 0);
    return {
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, DATAVERSE_LIMITS.windowRequests - this.window.length)),
      'x-ms-ratelimit-time-remaining-xrm-requests': (Math.max(0, EXECUTION_BUDGET_MS - spentMs)).toFixed(2),
    };
  }

  handle(req: EmulatorRequest): EmulatorResponse {
    const started = performance.now();
    const answer = route(this.state, req);
    if (!this.isExempt(req)) this.window.push({ at: this.state.ctx.clock.now(), ms: performance.now() - started });
    return answer;
  }

  records(object: string): unknown[] | undefined {
    const set = resolveEntitySet(object);
    return set ? this.state.stores[set].all().map((row) => structuredClone(row.body)) : undefined;
  }

  insertRaw(object: string, record: Record<string, unknown>): { id: string } | undefined {
    const set = resolveEntitySet(object);
    return set ? { id: this.state.stores[set].insertRaw(record).key } : undefined;
  }

  reset(options: ResetOptions = {}): void {
    this.state.webhooks.stop();
    for (const store of Object.values(this.state.stores)) store.clear();
    resetSchema(this.state, options.provisioned === true);
    this.window = [];
  }
}
