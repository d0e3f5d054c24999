/**
 * The Salesforce emulator: routes `/services/oauth2/token` and `/services/data/vNN.N/...`
 * to small route modules over one in-memory org, inside the shared EmulatorServer shell.
 */
import {
  AuthorizationCodes,
  BadJsonError,
  bearer,
  EmulatorClock,
  EmulatorServer,
  json,
  MonotonicStamp,
  TokenRegistry,
  type EmulatorContext,
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorStartOptions,
  type FieldControl,
  type QuotaState,
  type ResetOptions,
  type RunningEmulator,
  type VendorEmulator,
} from '../../emulator-kit';
import { SALESFORCE_DESCRIPTOR, SESSION_LIFETIME_MS } from '../descriptor';
import { BulkJobs } from './bulk-jobs';
import { notFound, restError, SfHttpError } from './errors';
import { ConnectedApp } from './connected-app';
import { INTROSPECT_PATH, introspectEndpoint } from './routes-introspect';
import { AUTHORIZE_PATH, authorizePage } from './routes-consent';
import { SANDBOX, tokenEndpoint } from './routes-oauth';
import { OutboundMessenger } from './webhooks';
import { OrgSetup, setupRoute } from './org-setup';
import type { Org, Route } from './org';
import { bulkRoutes } from './routes-bulk';
import { compositeRoutes } from './routes-composite';
import { miscRoutes, versionList } from './routes-misc';
import { queryRoutes } from './routes-query';
import { replicationRoutes } from './routes-replication';
import { sobjectRoutes } from './routes-sobject';
import { soapCall } from './routes-soap';
import { seedPeople } from './seed';
import { ORG_ID, USER_ID } from './schema';
import { SObjectStore } from './store';

const TOKEN_PATH = '/services/oauth2/token';
const USERINFO_PATH = '/services/oauth2/userinfo';
const ROUTES: Route[] = [...replicationRoutes, ...sobjectRoutes, ...queryRoutes, ...compositeRoutes, ...bulkRoutes, ...miscRoutes];

export class SalesforceEmulator implements VendorEmulator {
  readonly name = 'salesforce';
  readonly dailyLimit = 15_000;
  readonly org: Org;
  readonly outbound: OutboundMessenger;
  /** The sandbox connected app's settings: its JWT certificate, its refresh-token policy. */
  readonly app = new ConnectedApp();
  /** Permission sets and field permissions: what makes a Tooling-created field visible. */
  readonly setup = new OrgSetup();
  private lastQuota: QuotaState;

  constructor(
    private ctx: EmulatorContext,
    private ownUrl: () => string,
  ) {
    const stamp = new MonotonicStamp(ctx.clock);
    this.lastQuota = { used: 0, limit: this.dailyLimit, resetsAt: 0 };
    this.org = { store: new SObjectStore(stamp), clock: ctx.clock, stamp, jobs: new BulkJobs(), cursors: new Map(), quota: () => this.lastQuota };
    this.outbound = new OutboundMessenger(ctx, ownUrl);
    this.org.store.onWrite = (type, record) => this.outbound.record(type, record);
  }

  isExempt(req: EmulatorRequest): boolean {
    return req.path === TOKEN_PATH || req.path === INTROSPECT_PATH;
  }

  rateLimited(retryAfterSeconds: number): EmulatorResponse {
    const body = [{ message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
    return json(429, body, { 'Retry-After': String(retryAfterSeconds), ...this.usageHeaders(this.lastQuota) });
  }

  serverError(): EmulatorResponse {
    return json(503, [{ message: 'Server temporarily unavailable, please retry', errorCode: 'SERVER_UNAVAILABLE' }], this.usageHeaders(this.lastQuota));
  }

  quotaExceeded(): EmulatorResponse {
    return { ...restError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), headers: { 'content-type': 'application/json;charset=UTF-8', ...this.usageHeaders(this.lastQuota) } };
  }

  usageHeaders(usage: QuotaState): Record<string, string> {
    // The kit hands us its live quota object (admin faults adjust it in place); keeping the
    // reference lets `/limits` and the fault answers report current figures.
    this.lastQuota = usage;
    return { 'Sforce-Limit-Info': `api-usage=${usage.used}/${usage.limit}` };
  }

  handle(req: EmulatorRequest): EmulatorResponse {
    try {
      return this.route(req);
    } catch (err) {
      if (err instanceof SfHttpError) return err.response;
      if (err instanceof BadJsonError) return restError(400, 'JSON_PARSER_ERROR', err.message);
      return restError(500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred: ${(err as Error).message}`);
    }
  }

  records(object: string): unknown[] | undefined {
    const schema = this.org.store.schema(object);
    return schema ? this.org.store.all(schema.name) : undefined;
  }

  insertRaw(object: string, record: Record<string, unknown>): { id: string } | undefined {
    const schema = this.org.store.schema(object);
    return schema ? { id: this.org.store.insertRaw(schema.name, record) } : undefined;
  }

  /**
   * Org settings: `statePicklists` (boolean) turns the org's state and country picklists on or
   * off (state-country.ts), off by default; `jwtPublicKeyPem` and `refreshTokenExpiresAt`
   * configure the sandbox connected app (connected-app.ts).
   */
  settings(changes: Record<string, unknown>): Record<string, unknown> {
    const known = ['statePicklists', ...ConnectedApp.SETTINGS];
    for (const [name, value] of Object.entries(changes)) {
      if (!known.includes(name)) throw new Error(`unknown Salesforce org setting ${name} (known: ${known.join(', ')})`);
      if (name === 'statePicklists' && typeof value !== 'boolean') throw new Error('statePicklists must be true or false');
    }
    this.app.apply(changes);
    if (typeof changes.statePicklists === 'boolean') this.org.store.setStatePicklists(changes.statePicklists);
    return { statePicklists: this.org.store.statePicklists, ...this.app.view() };
  }

  reset(options: ResetOptions = {}): void {
    this.outbound.stop();
    this.org.store.reset(options.provisioned === true);
    this.setup.reset();
    this.org.jobs.reset();
    this.org.cursors.clear();
  }

  /** OpenID Connect userinfo: who the session's user is (provisioning assigns it Junction's permission set). */
  private userinfo(req: EmulatorRequest, base: string): EmulatorResponse {
    if (!this.ctx.tokens.isValid(bearer(req.headers.authorization), this.ctx.clock.now())) return json(401, { error: 'invalid_token', error_description: 'Session expired or invalid' });
    return json(200, { sub: `${base}/id/${ORG_ID}/${USER_ID}`, user_id: USER_ID, organization_id: ORG_ID, preferred_username: 'integration@junction.example', user_type: 'STANDARD' });
  }

  private route(req: EmulatorRequest): EmulatorResponse {
    // instance_url must be what the client reached us by (127.0.0.1 or localhost alike).
    const base = req.headers.host ? `http://${req.headers.host}` : this.ownUrl();
    if (req.path === TOKEN_PATH)
      return req.method === 'POST' ? tokenEndpoint(req, this.ctx.tokens, this.ctx.clock, base, this.app, this.ctx.codes) : restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are POST`);
    if (req.path === AUTHORIZE_PATH) return authorizePage(req, this.ctx, SANDBOX.clientId);
    if (req.path === INTROSPECT_PATH)
      return req.method === 'POST' ? introspectEndpoint(req, this.ctx.tokens, this.ctx.clock, this.app, base) : restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are POST`);
    if (/^\/services\/data\/?$/.test(req.path)) return versionList();
    if (req.path === USERINFO_PATH) return this.userinfo(req, base);
    if (/^\/services\/Soap\/u\/\d+\.\d$/.test(req.path) && req.method === 'POST') return soapCall(this.org, this.ctx.tokens, this.ctx.clock, req.text());
    const m = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(req.path);
    if (!m) return notFound();
    if (!this.ctx.tokens.isValid(bearer(req.headers.authorization), this.ctx.clock.now())) return restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    const rest = m[2] ?? '/';
    const setup = setupRoute({ req, version: m[1]!, params: [], org: this.org }, this.setup, rest);
    if (setup) return setup;
    const allowed: string[] = [];
    for (const r of ROUTES) {
      const match = r.pattern.exec(rest);
      if (!match) continue;
      if (r.method !== req.method) {
        allowed.push(r.method);
        continue;
      }
      return r.handle({ req, version: m[1]!, params: match.slice(1), org: this.org });
    }
    if (allowed.length) return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are ${[...new Set(allowed)].join(',')}`);
    return notFound();
  }
}

export async function startSalesforceEmulator(options: EmulatorStartOptions = {}): Promise<RunningEmulator> {
  const ctx: EmulatorContext = { clock: new EmulatorClock(), tokens: new TokenRegistry(SESSION_LIFETIME_MS), codes: new AuthorizationCodes(), webhooks: [] };
  // The vendor asks the server for its URL only while serving, after listen() resolved.
  const holder: { server?: EmulatorServer } = {};
  const vendor = new SalesforceEmulator(ctx, () => holder.server!.url);
  if (options.provisioned) vendor.reset({ provisioned: true });
  // A new org has state and country picklists on (crm-wire.md §6.1 item 5); an older org may have them off (`statePicklists: false`).
  vendor.settings({ statePicklists: true, ...options.settings });
  const running = new EmulatorServer(vendor, ctx);
  holder.server = running;
  await running.listen(options.port ?? SALESFORCE_DESCRIPTOR.defaultEmulatorPort);
  const fields: FieldControl = {
    define: (object, field) => !!vendor.org.store.schema(object)?.define(field),
    drop: (object, field) => vendor.org.store.schema(object)?.drop(field) ?? false,
    restore: (object, field) => vendor.org.store.schema(object)?.restore(field) ?? false,
  };
  running.fields = fields;
  return {
    kind: 'SALESFORCE',
    url: running.url,
    server: running,
    seed: (people) => seedPeople(vendor.org.store, people),
    fields,
    close: () => {
      vendor.outbound.stop();
      return running.close();
    },
  };
}
