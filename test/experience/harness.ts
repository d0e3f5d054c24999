/**
 * A real Junction experience server on port 0 over the run's shared test database, with
 * the real process-tier services, helpers to call it over HTTP, and SQL fixture builders.
 */
import 'reflect-metadata';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { createHttpServer, createJunctionPubSub, type HttpServerOptions, type JunctionHttpServer, type JunctionPubSubBundle } from '../../src/experience';
import { createLogger, type Logger } from '../../src/logger';
import { ApiKeyService, type Role } from '../../src/process/access';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { Database } from '../../src/process/store/database';
import { SyncRunService } from '../../src/process/sync/runs/sync-run.service';

export interface Harness {
  server: JunctionHttpServer;
  url: string;
  bundle: JunctionPubSubBundle;
  apiKeys: ApiKeyService;
  connections: ConnectionService;
  logLines: string[];
  logger: Logger;
  keyFor(role: Role): Promise<string>;
  close(): Promise<void>;
}

/** `listenHost`: where the server listens (default loopback only); `url` always points at loopback. */
export async function startHarness(db: Database, overrides: Partial<HttpServerOptions> & { redisUrl?: string; listenHost?: string } = {}): Promise<Harness> {
  const logLines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) }));
  const bundle = createJunctionPubSub(overrides.redisUrl);
  const apiKeys = new ApiKeyService(db.dataSource);
  const connections = new ConnectionService(db.dataSource, new CredentialsCipher(generateMasterKey()));
  const server = await createHttpServer({
    env: 'test',
    dataSource: db.dataSource,
    connections,
    syncRuns: new SyncRunService(db.dataSource, bundle.events),
    apiKeys,
    pubSub: bundle.pubSub,
    logger,
    ...overrides,
  });
  const { port } = await server.listen(0, overrides.listenHost ?? '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const keys = new Map<Role, string>();
  return {
    server,
    url,
    bundle,
    apiKeys,
    connections,
    logLines,
    logger,
    async keyFor(role) {
      if (!keys.has(role)) keys.set(role, (await apiKeys.create(`test ${role.toLowerCase()}`, role)).key);
      return keys.get(role)!;
    },
    async close() {
      await server.close();
      await connections.close();
      await bundle.close();
    },
  };
}

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
  };
}

/** POSTs one GraphQL operation; `auth` is the full Authorization value or a bare key. */
export async function gql<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, auth?: string): Promise<GqlResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth !== undefined) headers.authorization = auth.startsWith('jk_') ? `Bearer ${auth}` : auth;
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as GqlResponse<T>['body'] };
}

export const codes = (r: GqlResponse<unknown>): unknown[] => (r.body.errors ?? []).map((e) => e.extensions?.code);

// ---------------------------------------------------------------- fixtures (plain SQL)

async function insert(ds: DataSource, table: string, values: Record<string, unknown>): Promise<string> {
  const cols = Object.keys(values);
  const rows = (await ds.query(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(values),
  )) as Array<{ id: string }>;
  return rows[0]!.id;
}

let seq = 0;
export const insertConnection = (ds: DataSource, values: Record<string, unknown> = {}): Promise<string> =>
  insert(ds, 'connections', {
    name: `conn-${++seq}`,
    kind: 'SALESFORCE',
    base_url: 'http://127.0.0.1:4101',
    api_version: 'v62.0',
    credentials_sealed: 'v1:sealed-for-tests',
    ...values,
  });

export const insertCompany = (ds: DataSource, values: Record<string, unknown> = {}): Promise<string> =>
  insert(ds, 'companies', { name: `Company ${++seq}`, ...values });

/** Contacts get increasing created_at (1 s apart) unless given, so their order is known. */
export const insertContact = (ds: DataSource, values: Record<string, unknown> = {}): Promise<string> => {
  const n = ++seq;
  return insert(ds, 'contacts', {
    email: `person${n}@example.com`,
    first_name: 'Person',
    last_name: `Number${n}`,
    created_at: new Date(Date.UTC(2024, 0, 1) + n * 1000),
    ...values,
  });
};

export const insertSourceLink = (ds: DataSource, values: Record<string, unknown>): Promise<string> =>
  insert(ds, 'source_links', { record_kind: 'CONTACT', remote_type: 'Contact', remote_id: `003${++seq}`, ...values });
