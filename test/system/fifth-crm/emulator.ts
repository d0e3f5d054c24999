/**
 * The Fifth emulator, in memory over real HTTP inside the shared emulator shell (faults,
 * quotas, admin API). Its whole API:
 * - `POST /oauth/token` `{ client_id, client_secret }` → `{ access_token, expires_in }`
 * - `GET /v1/<object>?after=<cursor>&limit=<n>` → records changed after the cursor, oldest
 *   first, and the cursor after the last one
 * - `POST /v1/<object>/upsert` `{ records: [{ id?, properties }] }`: by id, else by `junction_id`
 * - `POST /v1/<object>/archive` `{ ids }`, `GET /v1/<object>/fields`, `GET /v1/usage`
 */
import { AuthorizationCodes, bearer, EmulatorClock, EmulatorServer, json, MonotonicStamp, TokenRegistry, type EmulatorRequest, type EmulatorResponse, type EmulatorStartOptions, type QuotaState, type RunningEmulator, type VendorEmulator } from '../../../src/system/emulator-kit';
import type { DemoPerson } from '../../../src/system';
import { FIFTH, FIFTH_DESCRIPTOR, TOKEN_PATH } from './descriptor';

export interface FifthRecord {
  id: string;
  /** Milliseconds, strictly increasing across writes. */
  modifiedAt: number;
  archived: boolean;
  properties: Record<string, string | null>;
}

export const FIFTH_FIELDS: Record<string, string[]> = {
  people: ['email', 'first_name', 'last_name', 'phone', 'title', 'city', 'country', 'organization', 'junction_id', 'junction_deleted'],
  organizations: ['name', 'domain', 'junction_id', 'junction_deleted'],
};

const cursorOf = (r: FifthRecord) => `${r.modifiedAt}:${r.id}`;
const after = (r: FifthRecord, cursor: string | null) => {
  if (!cursor) return true;
  const [stamp, id] = cursor.split(':');
  return r.modifiedAt > Number(stamp) || (r.modifiedAt === Number(stamp) && r.id > id!);
};

class FifthVendor implements VendorEmulator {
  readonly name = 'Fifth';
  readonly dailyLimit = 100_000;
  readonly stores = new Map<string, Map<string, FifthRecord>>(Object.keys(FIFTH_FIELDS).map((o) => [o, new Map()]));
  private ids = 0;
  private stamps: MonotonicStamp;

  constructor(private ctx: { clock: EmulatorClock; tokens: TokenRegistry }) {
    this.stamps = new MonotonicStamp(ctx.clock);
  }

  isExempt = (req: EmulatorRequest) => req.path === TOKEN_PATH;
  rateLimited = (retryAfterSeconds: number) => json(429, { error: 'rate_limited' }, { 'retry-after': String(retryAfterSeconds) });
  serverError = () => json(503, { error: 'unavailable' });
  quotaExceeded = () => json(429, { error: 'daily_quota' });
  usageHeaders = (usage: QuotaState) => ({ 'x-fifth-usage': `${usage.used}/${usage.limit}` });

  write(object: string, id: string | undefined, properties: Record<string, string | null>): { record: FifthRecord; created: boolean } {
    const store = this.stores.get(object)!;
    const existing = (id && store.get(id)) || [...store.values()].find((r) => properties.junction_id && r.properties.junction_id === properties.junction_id);
    const record = existing ?? { id: `${object.slice(0, 3)}-${++this.ids}`, modifiedAt: 0, archived: false, properties: {} };
    Object.assign(record.properties, properties);
    record.modifiedAt = this.stamps.next();
    store.set(record.id, record);
    return { record, created: !existing };
  }

  handle(req: EmulatorRequest): EmulatorResponse {
    if (req.path === TOKEN_PATH) {
      const body = req.json<{ client_id?: string; client_secret?: string }>();
      if (body.client_id !== 'junction-sandbox' || body.client_secret !== 'sandbox-secret') return json(401, { error: 'invalid_client' });
      const { token, expiresAt } = this.ctx.tokens.issue(this.ctx.clock.now());
      return json(200, { access_token: token, expires_in: Math.floor((expiresAt - this.ctx.clock.now()) / 1000) });
    }
    if (!this.ctx.tokens.isValid(bearer(req.headers.authorization), this.ctx.clock.now())) return json(401, { error: 'invalid_token' });
    if (req.path === '/v1/usage') return json(200, {});
    const [, version, object, action] = req.path.split('/');
    const store = this.stores.get(object ?? '');
    if (version !== 'v1' || !store) return json(404, { error: 'not_found', message: `no object ${object}` });
    if (req.method === 'GET' && action === undefined) {
      const limit = Math.min(Number(req.query.get('limit') ?? 100), 100);
      const page = [...store.values()].sort((a, b) => a.modifiedAt - b.modifiedAt || a.id.localeCompare(b.id)).filter((r) => after(r, req.query.get('after'))).slice(0, limit);
      return json(200, { records: page, cursor: page.length ? cursorOf(page.at(-1)!) : req.query.get('after') });
    }
    if (req.method === 'GET' && action === 'fields') return json(200, { fields: FIFTH_FIELDS[object!] });
    if (req.method === 'POST' && action === 'upsert') {
      const { records } = req.json<{ records: Array<{ id?: string; properties: Record<string, string | null> }> }>();
      const written = records.map((r) => this.write(object!, r.id, r.properties));
      return json(200, { results: written.map((w) => ({ id: w.record.id, created: w.created })) });
    }
    if (req.method === 'POST' && action === 'archive') {
      const { ids } = req.json<{ ids: string[] }>();
      for (const id of ids) {
        const r = store.get(id);
        if (r) Object.assign(r, { archived: true, modifiedAt: this.stamps.next() });
      }
      return json(200, { results: ids.map((id) => ({ id, ok: store.has(id) })) });
    }
    return json(404, { error: 'not_found' });
  }

  records = (object: string) => (this.stores.has(object) ? [...this.stores.get(object)!.values()].map((r) => structuredClone(r)) : undefined);
  insertRaw = (object: string, record: Record<string, unknown>) => (this.stores.has(object) ? { id: this.write(object, undefined, record as Record<string, string | null>).record.id } : undefined);
  reset = () => this.stores.forEach((s) => s.clear());
}

export async function startFifthEmulator(options: EmulatorStartOptions = {}): Promise<RunningEmulator> {
  const ctx = { clock: new EmulatorClock(), tokens: new TokenRegistry(30 * 60_000), codes: new AuthorizationCodes(), webhooks: [] as string[] };
  const vendor = new FifthVendor(ctx);
  const server = new EmulatorServer(vendor, ctx);
  await server.listen(options.port ?? FIFTH_DESCRIPTOR.defaultEmulatorPort);
  return {
    kind: FIFTH,
    url: server.url,
    server,
    seed(people: DemoPerson[]) {
      const organizations = new Set(vendor.records('organizations')!.map((o) => o.properties.name));
      for (const p of people) {
        if (!organizations.has(p.company)) vendor.write('organizations', undefined, { name: p.company, domain: p.companyDomain });
        organizations.add(p.company);
        vendor.write('people', undefined, { email: p.email, first_name: p.firstName, last_name: p.lastName, phone: p.phone, title: p.title, city: p.city, country: p.country, organization: p.company });
      }
    },
    close: () => server.close(),
  };
}
