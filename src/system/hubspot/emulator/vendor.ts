/** The HubSpot side of the emulator shell: faults, usage headers, routing, raw records. */
import type { EmulatorRequest, EmulatorResponse, QuotaState, ResetOptions, VendorEmulator } from '../../emulator-kit';
import { HUBSPOT_LIMITS, resolveObject } from '../descriptor';
import { dailyLimit, serviceUnavailable, tenSecondlyLimit } from './errors';
import { isOAuthPath, isSearch, route } from './routes';
import type { HubspotState } from './state';
import type { WireBody } from './store';

const TEN_SECONDS = 10_000;

export class HubspotEmulator implements VendorEmulator {
  readonly name = 'HubSpot';
  readonly dailyLimit = HUBSPOT_LIMITS.dailyRequests;
  /**
   * Whether each handled request was a search, in arrival order. The shell asks for usage
   * headers right after `handle` (which is synchronous here), so answers pair up in order;
   * search answers carry no X-HubSpot-RateLimit-* headers on the real API.
   */
  private searches: boolean[] = [];
  private window = { start: 0, count: 0 };

  constructor(private state: HubspotState) {}

  isExempt(req: EmulatorRequest): boolean {
    return isOAuthPath(req);
  }

  rateLimited(retryAfterSeconds: number): EmulatorResponse {
    return tenSecondlyLimit(retryAfterSeconds);
  }

  serverError(): EmulatorResponse {
    return serviceUnavailable();
  }

  quotaExceeded(): EmulatorResponse {
    return dailyLimit();
  }

  usageHeaders(usage: QuotaState): Record<string, string> {
    const search = this.searches.shift() ?? false;
    const now = this.state.ctx.clock.now();
    if (now - this.window.start >= TEN_SECONDS) this.window = { start: now, count: 0 };
    this.window.count++;
    if (search) return {};
    return {
      'X-HubSpot-RateLimit-Daily': String(usage.limit),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, usage.limit - usage.used)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS),
      'X-HubSpot-RateLimit-Max': String(HUBSPOT_LIMITS.tenSecondlyRequests),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, HUBSPOT_LIMITS.tenSecondlyRequests - this.window.count)),
    };
  }

  handle(req: EmulatorRequest): EmulatorResponse {
    if (!this.isExempt(req)) this.searches.push(isSearch(req));
    return route(this.state, req);
  }

  records(object: string): unknown[] | undefined {
    const resolved = resolveObject(object);
    return resolved ? this.state.stores[resolved].all().map((row) => structuredClone(row.body)) : undefined;
  }

  insertRaw(object: string, record: Record<string, unknown>): { id: string } | undefined {
    const resolved = resolveObject(object);
    return resolved ? { id: this.state.stores[resolved].insertRaw(record as WireBody).key } : undefined;
  }

  reset(options: ResetOptions = {}): void {
    this.state.webhooks.stop();
    for (const store of [this.state.stores.contacts, this.state.stores.companies]) {
      store.clear();
      store.properties.reset(options.provisioned === true);
    }
    this.state.associations.clear();
  }
}
