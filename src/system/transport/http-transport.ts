/**
 * The outbound HTTP path every adapter uses: rate limiter → timeout → fetch → classify,
 * with exactly one token refresh and replay on 401, and retries decided by the pure
 * policy. Vendors differ only in the `VendorWire` they supply.
 */
import type Bottleneck from 'bottleneck';
import { SystemError, type ErrorClass } from '../errors';
import type { AdapterStats, CallFailure, TokenInfo } from '../system-api';
import { refuseForeignHost, refuseRedirect, type HostPolicy } from './host-policy';
import { breakerOf, closeLimiter, repairLimiter } from './limiter';
import { DEFAULT_RETRY, decideRetry, parseRetryAfter, type RetrySettings } from './retry-policy';
import { scrubVendorText } from './vendor-text';

/** Code of the fast failure an open circuit gives instead of calling the vendor. */
export const CIRCUIT_OPEN = 'CIRCUIT_OPEN';
/** Code of a call that never left because the shared limiter's store (Redis) failed. */
export const LIMITER_UNAVAILABLE = 'LIMITER_UNAVAILABLE';

/** Failures that say the vendor is in trouble, as opposed to an answer about our request. */
const VENDOR_TROUBLE: ReadonlySet<ErrorClass> = new Set(['TIMEOUT', 'NETWORK', 'SERVER']);

export interface VendorFailure {
  errorClass: ErrorClass;
  code: string;
  message: string;
  quotaExhausted?: boolean;
}

/** What a vendor folder tells the transport about its wire. */
export interface VendorWire {
  /** Turns a non-2xx answer into a classified failure, from the vendor's error body. */
  classify(status: number, body: unknown): VendorFailure;
  /** Reads API usage signals from response headers, if the vendor sends them. */
  usageFromHeaders?(headers: Headers): { used: number; limit: number } | undefined;
  /** Obtains a fresh access token. */
  fetchToken(): Promise<TokenInfo>;
}

export interface RequestSpec {
  method: string;
  /** Absolute URL, or a path joined to the base URL. */
  url: string;
  body?: unknown;
  /** Raw body (CSV, XML); sent as-is with the given content type. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Whether a failed call may be retried (false for non-idempotent creates). */
  idempotent?: boolean;
}

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TransportOptions {
  baseUrl: string;
  limiter: Bottleneck;
  wire: VendorWire;
  timeoutMs?: number;
  retry?: RetrySettings;
  onToken?: (token: TokenInfo) => void;
  /** Hosts this connection's calls may go to; a call anywhere else is refused before it leaves. */
  hostPolicy: HostPolicy;
  /** Told of each failed attempt when its call ends, recovered or not (system-api.ts CallFailure). */
  onCallFailure?: (failure: CallFailure) => void;
}

export class HttpTransport {
  readonly stats: AdapterStats = { apiCalls: 0 };
  private token: TokenInfo | undefined;
  private refreshing: Promise<TokenInfo> | undefined;
  /** Epoch ms before which no call may go out: the vendor's last Retry-After holds for every call of the connection, not just the one refused. */
  private backoffUntil = 0;

  constructor(private options: TransportOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Fetches a token once, shared by concurrent callers. */
  async refreshToken(): Promise<TokenInfo> {
    this.refreshing ??= this.options.wire
      .fetchToken()
      .then((token) => {
        this.token = token;
        this.stats.tokenExpiresAt = token.expiresAt;
        this.stats.tokenRefreshes = (this.stats.tokenRefreshes ?? 0) + 1;
        this.options.onToken?.(token);
        return token;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  async request<T = unknown>(spec: RequestSpec): Promise<HttpAnswer<T>> {
    const retry = this.options.retry ?? DEFAULT_RETRY;
    const breaker = breakerOf(this.options.limiter);
    let refreshed = false;
    let attempts = 0;
    // This call's failed attempts, told as recovered or final once the call ends.
    const failed: Array<Omit<CallFailure, 'recovered'>> = [];
    for (let attempt = 1; ; attempt++) {
      let inFlight = false;
      try {
        if (!this.token) {
          await this.refreshToken();
          refreshed = true;
        }
        // An open circuit fails fast: the vendor is not called and nothing counts against it.
        if (breaker && !breaker.admit()) throw circuitOpen(spec, breaker.retryInMs());
        inFlight = true;
        attempts++;
        const answer = await this.once<T>(spec);
        breaker?.success();
        if (breaker) this.stats.circuit = breaker.state;
        this.stats.maxAttempts = Math.max(this.stats.maxAttempts ?? 0, attempts);
        this.tellFailures(failed, true);
        return answer;
      } catch (err) {
        if (!(err instanceof SystemError)) {
          if (inFlight) breaker?.failure();
          this.tellFailures(failed, false);
          throw err;
        }
        // A limiter outage says nothing about the vendor: it neither opens nor closes the circuit.
        if (inFlight && err.code !== LIMITER_UNAVAILABLE) this.countForBreaker(err);
        else if (inFlight) breaker?.release();
        this.noteAttempts(err, attempts);
        if (err.code === CIRCUIT_OPEN) {
          this.tellFailures(failed, false);
          throw err;
        }
        failed.push({ errorClass: err.errorClass, code: err.code });
        // An expired token gets exactly one refresh and one replay, never a loop.
        if (err.errorClass === 'AUTHENTICATION' && !refreshed && err.details.status === 401) {
          refreshed = true;
          this.token = undefined;
          attempt--;
          continue;
        }
        const canRetry = spec.idempotent !== false || err.errorClass === 'RATE_LIMIT';
        const decision = decideRetry(
          { errorClass: err.errorClass, code: err.code, retryAfterMs: err.details.retryAfterMs, quotaExhausted: err.code === 'QUOTA_EXHAUSTED' },
          attempt,
          retry,
        );
        if (err.errorClass === 'RATE_LIMIT' && err.code !== 'QUOTA_EXHAUSTED' && err.details.retryAfterMs !== undefined)
          this.backoffUntil = Math.max(this.backoffUntil, Date.now() + err.details.retryAfterMs);
        if (!canRetry || !decision.retry) {
          this.tellFailures(failed, false);
          throw err;
        }
        this.stats.retries = (this.stats.retries ?? 0) + 1;
        await new Promise((r) => setTimeout(r, decision.waitMs));
      }
    }
  }

  /** Vendor trouble (no answer, or a 5xx) counts toward opening the circuit; any other answer proves it is up. */
  private countForBreaker(err: SystemError): void {
    const breaker = breakerOf(this.options.limiter);
    if (!breaker) return;
    if (VENDOR_TROUBLE.has(err.errorClass)) breaker.failure();
    else breaker.success();
    this.stats.circuit = breaker.state;
  }

  /** Reports a finished call's failed attempts: recovered when the call got its answer after all, final when it did not. */
  private tellFailures(failed: ReadonlyArray<Omit<CallFailure, 'recovered'>>, recovered: boolean): void {
    const observer = this.options.onCallFailure;
    if (!observer) return;
    for (const f of failed) {
      try {
        observer({ ...f, recovered });
      } catch {
        // Counting is the observer's business: its failure never changes the call's outcome.
      }
    }
  }

  private noteAttempts(err: SystemError, attempts: number): void {
    Object.assign(err.details, { attempts: Math.max(1, attempts) });
    this.stats.maxAttempts = Math.max(this.stats.maxAttempts ?? 0, attempts);
  }

  private async once<T>(spec: RequestSpec): Promise<HttpAnswer<T>> {
    const url = /^https?:\/\//.test(spec.url) ? spec.url : this.options.baseUrl + spec.url;
    const endpoint = `${spec.method} ${new URL(url).pathname}`;
    return this.options.limiter
      .schedule(async () => this.send<T>(spec, url, endpoint))
      .catch(async (err: unknown) => {
        if (err instanceof SystemError) throw err;
        // Redis came back empty: rebuild the limiter's state there, and let the retry policy try again.
        await repairLimiter(this.options.limiter, err);
        // Only the limiter's own store (Redis) throws anything else here: a NETWORK failure, retried like one.
        throw new SystemError(
          'NETWORK',
          LIMITER_UNAVAILABLE,
          `${endpoint}: the shared rate limiter is unavailable: ${(err as Error).message}`,
          { endpoint },
          { cause: err },
        );
      });
  }

  private async send<T>(spec: RequestSpec, url: string, endpoint: string): Promise<HttpAnswer<T>> {
    refuseForeignHost(url, this.options.hostPolicy, endpoint);
    const backoff = this.backoffUntil - Date.now();
    if (backoff > 0) await new Promise((r) => setTimeout(r, backoff));
    this.stats.apiCalls++;
    const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
    if (this.token) headers.authorization = `Bearer ${this.token.accessToken}`;
    let body: string | undefined;
    if (spec.rawBody !== undefined) {
      body = spec.rawBody;
      headers['content-type'] = spec.contentType ?? 'text/plain';
    } else if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['content-type'] = spec.contentType ?? 'application/json';
    }
    let res: Response;
    try {
      // Never followed: a redirect would carry the bearer token (and a 307 the body) to wherever it points.
      res = await fetch(url, { method: spec.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
      throw new SystemError(
        timedOut ? 'TIMEOUT' : 'NETWORK',
        timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
        `${endpoint}: ${(err as Error).message}`,
        { endpoint },
        { cause: err },
      );
    }
    refuseRedirect(res, url, endpoint);
    const usage = this.options.wire.usageFromHeaders?.(res.headers);
    if (usage) this.stats.lastUsage = { ...this.stats.lastUsage, ...usage };
    const parsed = await readBody(res);
    if (res.ok) return { status: res.status, headers: res.headers, body: parsed as T };
    const failure =
      res.status === 401
        ? { errorClass: 'AUTHENTICATION' as const, code: 'INVALID_SESSION', message: 'access token rejected' }
        : this.options.wire.classify(res.status, parsed);
    throw new SystemError(
      failure.errorClass,
      failure.quotaExhausted ? 'QUOTA_EXHAUSTED' : failure.code,
      `${endpoint} answered ${res.status}: ${scrubVendorText(failure.message, [this.token?.accessToken])}`,
      { status: res.status, endpoint, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) },
    );
  }

  async close(): Promise<void> {
    await closeLimiter(this.options.limiter);
  }
}

function circuitOpen(spec: RequestSpec, retryInMs: number): SystemError {
  const path = /^https?:\/\//.test(spec.url) ? new URL(spec.url).pathname : spec.url.split('?')[0];
  const endpoint = `${spec.method} ${path}`;
  return new SystemError('SERVER', CIRCUIT_OPEN, `${endpoint}: circuit open after repeated vendor failures; next probe in ${Math.ceil(retryInMs / 1000)} s`, {
    endpoint,
    retryAfterMs: retryInMs,
  });
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `answer declared JSON but did not parse (${text.length} bytes)`, { status: res.status });
    }
  }
  return text;
}
