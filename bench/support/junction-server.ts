/** Junction's real experience server (GraphQL over HTTP and graphql-ws) on port 0 over a bench database. */
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { createHttpServer, createJunctionPubSub, type JunctionHttpServer, type JunctionPubSubBundle } from '../../src/experience';
import { createLogger } from '../../src/logger';
import { ApiKeyService } from '../../src/process/access';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { SyncRunService } from '../../src/process/sync/runs/sync-run.service';

export interface BenchServer {
  server: JunctionHttpServer;
  url: string;
  bundle: JunctionPubSubBundle;
  viewerKey: string;
  close(): Promise<void>;
}

export async function startJunctionServer(db: DataSource, redisUrl?: string): Promise<BenchServer> {
  const logger = createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() }));
  const bundle = createJunctionPubSub(redisUrl, logger);
  const apiKeys = new ApiKeyService(db);
  const connections = new ConnectionService(db, new CredentialsCipher(generateMasterKey()));
  // The fan-out scenario opens its 1,000 sockets under one key: the per-key cap (JUNCTION_WS_MAX_SOCKETS_PER_KEY) is raised for it, as an operator would for a dashboard wall.
  const security = { subscriptions: { maxPerSocket: 25, maxSocketsPerKey: 2_000 } };
  const server = await createHttpServer({ env: 'test', dataSource: db, connections, syncRuns: new SyncRunService(db, bundle.events), apiKeys, pubSub: bundle.pubSub, logger, security });
  const { url } = await server.listen(0, '127.0.0.1');
  const viewerKey = (await apiKeys.create('bench viewer', 'VIEWER')).key;
  return {
    server,
    url,
    bundle,
    viewerKey,
    async close() {
      await server.close();
      await connections.close();
      await bundle.close();
    },
  };
}
