/**
 * The API layer of the test harness: a real Junction experience server on port 0 over the
 * run's shared test database, with the real process-tier services and helpers to call it over
 * HTTP. `useHarness` gives a file (or describe block) one for its tests; the sync harness
 * (sync-harness.ts) layers it over emulators and the engine when asked (`api`). Record
 * builders are in builders.ts.
 */
import 'reflect-metadata';
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import { createHttpServer, createJunctionPubSub, type HttpServerOptions, type JunctionHttpServer, type JunctionPubSubBundle } from '../../src/experience';
import { createLogger, type Logger } from '../../src/logger';
import { ApiKeyService, type Role } from '../../src/process/access';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { ConsentService } from '../../src/process/connections/consent.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { Database } from '../../src/process/store/database';
import { SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { lazy } from './lazy';

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

export type HarnessOverrides = Partial<HttpServerOptions> & { redisUrl?: string; listenHost?: string };

/** `listenHost`: where the server listens (default loopback only); `url` always points at loopback. */
export async function startHarness(db: Database, overrides: HarnessOverrides = {}): Promise<Harness> {
  const logLines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) }));
  const bundle = createJunctionPubSub(overrides.redisUrl);
  const apiKeys = new ApiKeyService(db.dataSource);
  const connections = new ConnectionService(db.dataSource, new CredentialsCipher(generateMasterKey()));
  // startConnect over the connections the server uses (the harness's own when a test stubs them); the callback names the bound port.
  let url = '';
  const consent = new ConsentService(db.dataSource, new CredentialsCipher(generateMasterKey()), overrides.connections instanceof ConnectionService ? overrides.connections : connections, {
    publicUrl: () => url,
  });
  const server = await createHttpServer({
    env: 'test',
    dataSource: db.dataSource,
    connections,
    syncRuns: new SyncRunService(db.dataSource, bundle.events),
    apiKeys,
    pubSub: bundle.pubSub,
    logger,
    consent,
    ...overrides,
  });
  const { port } = await server.listen(0, overrides.listenHost ?? '127.0.0.1');
  url = `http://127.0.0.1:${port}`;
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

/**
 * A harness over `db` for the tests of the calling file (or describe block), started before
 * them and closed after them. `overrides` may be a function, called when the hook runs.
 */
export function useHarness(db: Database, overrides: HarnessOverrides | (() => HarnessOverrides) = {}): Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(db, typeof overrides === 'function' ? overrides() : overrides);
  });
  afterAll(async () => {
    await h?.close();
  });
  return lazy('the harness', () => h);
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

/** A graphql-ws client that connects on first use and never reconnects; `authorization` as the connection_init sends it. */
export function wsClient(url: string, authorization?: string): Client {
  return createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: authorization === undefined ? {} : { authorization },
    retryAttempts: 0,
    lazy: true,
  });
}

export const codes = (r: GqlResponse<unknown>): unknown[] => (r.body.errors ?? []).map((e) => e.extensions?.code);
