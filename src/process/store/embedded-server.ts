/**
 * Embedded PostgreSQL (PGlite) on disk, served over a loopback socket so the ordinary pg
 * driver, TypeORM and pg-boss all speak to it the same way (STACK.md "Embedded PostgreSQL").
 * A new data directory is initialised here by PGlite's own initdb; database.ts first seeds it
 * from the template (embedded-template.ts) when it may.
 */
import { mkdirSync } from 'node:fs';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedServer(dir: string): Promise<EmbeddedServer> {
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create({ dataDir: dir });
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** A port nothing listens on now (the OS's pick); another process may still take it before the caller listens. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
