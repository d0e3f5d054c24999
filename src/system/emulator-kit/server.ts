/**
 * The HTTP shell every CRM emulator runs in: listens on 127.0.0.1 only, serves the shared
 * admin API (SPEC §2 "Emulators"), applies injected faults, quotas and rate limits, counts
 * requests, then hands vendor paths to the emulator's own handler.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationCodes } from './authorization-codes';
import { EmulatorClock } from './clock';
import { NO_FAULTS, parseFaults, type FaultSettings } from './faults';
import { buildRequest, empty, json, type EmulatorRequest, type EmulatorResponse } from './http';
import { RequestLog } from './request-log';
import { EmulatorStats } from './stats';
import type { FieldControl } from './running';
import { TokenRegistry } from './tokens';

/** What a vendor emulator supplies to the shell. */
export interface VendorEmulator {
  readonly name: string;
  /** The vendor's daily API allowance, reported in its usage headers and quota errors. */
  readonly dailyLimit: number;
  /** Vendor paths that faults and quotas never touch (the OAuth token endpoint). */
  isExempt(req: EmulatorRequest): boolean;
  rateLimited(retryAfterSeconds: number): EmulatorResponse;
  serverError(): EmulatorResponse;
  quotaExceeded(): EmulatorResponse;
  /** Headers stamped on every vendor response (e.g. `Sforce-Limit-Info`). */
  usageHeaders(usage: QuotaState): Record<string, string>;
  handle(req: EmulatorRequest): Promise<EmulatorResponse> | EmulatorResponse;
  /** Every stored record of an object, or undefined for an unknown object. */
  records(object: string): unknown[] | undefined;
  /** Stores a record exactly as given, bypassing validation (tests use it to plant malformed data). */
  insertRaw(object: string, record: Record<string, unknown>): { id: string } | undefined;
  /**
   * Empties the org. A reset org is fresh: none of Junction's fields exist until created
   * through the vendor's metadata API, unless `provisioned` (the tests' shortcut).
   */
  reset(options?: ResetOptions): void;
  webhookRegistered?(url: string): void;
  /**
   * The org's settings (`GET`/`POST /_emulator/settings`, and start options): applies the given
   * changes, answers every setting; throws an Error naming the problem for a bad one.
   */
  settings?(changes: Record<string, unknown>): Record<string, unknown>;
}

export interface ResetOptions {
  provisioned?: boolean;
}

export interface QuotaState {
  used: number;
  limit: number;
  resetsAt: number;
}

export interface EmulatorContext {
  clock: EmulatorClock;
  tokens: TokenRegistry;
  /** Codes the consent page issued, for the token route's authorization_code grant. */
  codes: AuthorizationCodes;
  webhooks: string[];
}

export class EmulatorServer {
  readonly stats = new EmulatorStats();
  /** Vendor requests as they arrived, while a test has the log on (`/_emulator/requests`). */
  readonly requests = new RequestLog();
  /** The vendor's field definitions, for `POST /_emulator/fields` (set by the vendor's start function). */
  fields: FieldControl | undefined;
  private faults: FaultSettings = { ...NO_FAULTS };
  private quota: QuotaState;
  private window: { start: number; count: number } = { start: 0, count: 0 };
  private server: Server | undefined;
  private hanging = new Set<ServerResponse>();

  constructor(
    private vendor: VendorEmulator,
    private ctx: EmulatorContext,
  ) {
    this.quota = { used: 0, limit: vendor.dailyLimit, resetsAt: nextUtcMidnight(ctx.clock.now()) };
  }

  async listen(port: number): Promise<number> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.dispatch(buildRequest(req, Buffer.concat(chunks)), res).catch((err: unknown) => {
          send(res, json(500, { error: 'emulator_failure', message: (err as Error).message }));
        });
      });
    });
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error(`${this.vendor.name} emulator is not listening`);
    return `http://127.0.0.1:${addr.port}`;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async dispatch(req: EmulatorRequest, res: ServerResponse): Promise<void> {
    if (req.path.startsWith('/_emulator/')) return send(res, this.admin(req));
    const now = this.ctx.clock.now();
    const exempt = this.vendor.isExempt(req);
    if (!exempt) {
      this.stats.arrive(Date.now());
      this.requests.record(req);
      if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
      const fault = this.injectFault(now);
      if (fault === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault) return this.reply(res, fault);
      this.quota.used++;
    }
    let answer: EmulatorResponse;
    try {
      answer = await this.vendor.handle(req);
    } catch (err) {
      answer = json(500, { error: 'emulator_failure', message: (err as Error).message });
    }
    if (!exempt) answer = { ...answer, headers: { ...this.vendor.usageHeaders(this.quota), ...answer.headers } };
    this.reply(res, answer);
  }

  private reply(res: ServerResponse, answer: EmulatorResponse): void {
    const retryAfter = answer.headers?.['Retry-After'] ?? answer.headers?.['retry-after'];
    this.stats.answered(answer.status, Date.now(), retryAfter === undefined ? undefined : Number(retryAfter));
    send(res, answer);
  }

  private injectFault(now: number): EmulatorResponse | 'hang' | undefined {
    if (now >= this.quota.resetsAt) this.quota = { used: 0, limit: this.quota.limit, resetsAt: nextUtcMidnight(now) };
    const f = this.faults;
    if (f.rateLimit) {
      if (now - this.window.start >= f.rateLimit.windowMs) this.window = { start: now, count: 0 };
      if (this.window.count >= f.rateLimit.requests) {
        const waitS = Math.max(1, Math.ceil((this.window.start + f.rateLimit.windowMs - now) / 1000));
        return this.vendor.rateLimited(waitS);
      }
      this.window.count++;
    }
    if (f.timeoutRate > 0 && Math.random() < f.timeoutRate) return 'hang';
    if (f.rate429 > 0 && Math.random() < f.rate429) return this.vendor.rateLimited(f.retryAfterSeconds);
    if (f.rate5xx > 0 && Math.random() < f.rate5xx) return this.vendor.serverError();
    if (this.quota.used >= this.quota.limit) return this.vendor.quotaExceeded();
    return undefined;
  }

  private admin(req: EmulatorRequest): EmulatorResponse {
    const route = `${req.method} ${req.path}`;
    if (route === 'POST /_emulator/faults') {
      try {
        const { faults, expireTokens } = parseFaults(req.json(), this.faults);
        this.faults = faults;
        this.ctx.tokens.refreshRevoked = faults.revokeRefreshTokens;
        if (expireTokens) this.ctx.tokens.expireAll();
        if (faults.quotaRemaining !== null) this.quota.used = Math.max(0, this.quota.limit - faults.quotaRemaining);
        return json(200, this.faults);
      } catch (err) {
        return json(400, { error: 'bad_faults', message: (err as Error).message });
      }
    }
    if (route === 'DELETE /_emulator/faults') {
      this.faults = { ...NO_FAULTS };
      this.ctx.tokens.refreshRevoked = false;
      this.quota.used = 0;
      this.window = { start: 0, count: 0 };
      return empty(204);
    }
    if (route === 'GET /_emulator/stats') return json(200, this.stats.snapshot());
    if (route === 'DELETE /_emulator/stats') {
      // Counting from now on (tests start counting after setup such as provisioning).
      this.stats.reset();
      return empty(204);
    }
    if (req.path === '/_emulator/requests') return this.requests.admin(req);
    if (route === 'GET /_emulator/settings' || route === 'POST /_emulator/settings') {
      if (!this.vendor.settings) return json(404, { error: 'no_settings', message: `the ${this.vendor.name} emulator has no org settings` });
      const body = route === 'POST /_emulator/settings' ? safeJson(req) : {};
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return json(400, { error: 'bad_settings', message: 'body must be a JSON object of settings' });
      try {
        return json(200, this.vendor.settings(body as Record<string, unknown>));
      } catch (err) {
        return json(400, { error: 'bad_settings', message: (err as Error).message });
      }
    }
    if (route === 'POST /_emulator/reset') {
      // An empty body is a fresh org; `{ "provisioned": true }` one holding Junction's fields.
      const body = req.text() ? (safeJson(req) as { provisioned?: unknown } | undefined) : {};
      if (typeof body !== 'object' || body === null || Array.isArray(body) || (body.provisioned !== undefined && typeof body.provisioned !== 'boolean'))
        return json(400, { error: 'bad_reset', message: 'body must be empty or { "provisioned": true | false }' });
      this.vendor.reset({ provisioned: body.provisioned === true });
      this.stats.reset();
      this.quota.used = 0;
      this.ctx.webhooks.length = 0;
      return empty(204);
    }
    if (route === 'POST /_emulator/webhooks') {
      const body = safeJson(req) as { url?: unknown } | undefined;
      if (typeof body?.url !== 'string' || !/^https?:\/\//.test(body.url)) return json(400, { error: 'bad_webhook', message: 'url must be an http(s) URL' });
      this.ctx.webhooks.push(body.url);
      this.vendor.webhookRegistered?.(body.url);
      return json(201, { url: body.url });
    }
    if (route === 'POST /_emulator/clock') {
      const body = safeJson(req) as { advanceMs?: unknown; offsetMs?: unknown; utcOffsetMinutes?: unknown } | undefined;
      const zone = body?.utcOffsetMinutes;
      if (zone !== undefined && (typeof zone !== 'number' || !Number.isInteger(zone) || Math.abs(zone) > 14 * 60))
        return json(400, { error: 'bad_clock', message: 'utcOffsetMinutes must be a whole number of minutes within ±840' });
      if (typeof body?.advanceMs === 'number') this.ctx.clock.advance(body.advanceMs);
      if (typeof body?.offsetMs === 'number') this.ctx.clock.setOffset(body.offsetMs);
      if (typeof zone === 'number') this.ctx.clock.setUtcOffset(zone);
      return json(200, { now: new Date(this.ctx.clock.now()).toISOString(), utcOffsetMinutes: this.ctx.clock.utcOffsetMinutes });
    }
    if (route === 'POST /_emulator/token-ttl') {
      const body = safeJson(req) as { ttlMs?: unknown } | undefined;
      if (typeof body?.ttlMs !== 'number' || body.ttlMs < 1) return json(400, { error: 'bad_ttl', message: 'ttlMs must be a positive number' });
      this.ctx.tokens.setTtl(body.ttlMs);
      return json(200, { ttlMs: body.ttlMs });
    }
    if (route === 'POST /_emulator/fields') {
      // Schema changes as an admin makes them in the vendor's setup: { action: define|drop|restore, object, field }.
      const body = safeJson(req) as { action?: unknown; object?: unknown; field?: unknown } | undefined;
      const action = body?.action;
      if (
        !this.fields ||
        (action !== 'define' && action !== 'drop' && action !== 'restore') ||
        typeof body?.object !== 'string' ||
        typeof body.field !== 'string'
      )
        return json(400, { error: 'bad_field_change', message: 'body must be { action: "define" | "drop" | "restore", object, field }' });
      return json(200, { changed: this.fields[action](body.object, body.field) });
    }
    const records = /^\/_emulator\/records\/([^/]+)$/.exec(req.path);
    if (req.method === 'POST' && records) {
      const body = safeJson(req);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return json(400, { error: 'bad_record', message: 'record must be a JSON object' });
      const stored = this.vendor.insertRaw(records[1]!, body as Record<string, unknown>);
      return stored ? json(201, stored) : json(404, { error: 'unknown_object', message: `no object ${records[1]}` });
    }
    if (req.method === 'GET' && records) {
      const list = this.vendor.records(records[1]!);
      return list ? json(200, list) : json(404, { error: 'unknown_object', message: `no object ${records[1]}` });
    }
    return json(404, { error: 'not_found', message: `no admin route ${route}` });
  }
}

function safeJson(req: EmulatorRequest): unknown {
  try {
    return req.json();
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, answer: EmulatorResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers = { ...answer.headers };
  let payload: Buffer | string | undefined;
  if (answer.body === undefined || answer.body === null) payload = undefined;
  else if (typeof answer.body === 'string' || Buffer.isBuffer(answer.body)) payload = answer.body;
  else {
    payload = JSON.stringify(answer.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json;charset=UTF-8';
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function nextUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}
