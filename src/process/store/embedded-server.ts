/**
 * Embedded PostgreSQL (PGlite) on disk, served over a loopback socket so the ordinary pg
 * driver, TypeORM and pg-boss all speak to it the same way (STACK.md "Embedded PostgreSQL").
 * A new data directory is initialised here by PGlite's own initdb; database.ts first seeds it
 * from the template (embedded-template.ts) when it may.
 *
 * PGlite runs in a worker thread of its own. Its backend is WebAssembly executed synchronously
 * on whichever thread calls it: on Node's main thread every statement stopped the event loop
 * for as long as it ran (up to 1.2 s for a sync page's duplicate-proposal statement, 4,000
 * demo people), so /readyz, GraphQL and graphql-ws went unanswered while a sync wrote. In its
 * own thread the statements run beside the event loop, on the second core.
 */
import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * The worker's code: plain CommonJS given as a string (`eval`), so it runs the same under the
 * TypeScript register hook, vitest and the compiled build, none of which transform a worker's
 * own file. It requires PGlite and its socket server by the paths the main thread resolved.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
  const db = await PGlite.create({ dataDir: workerData.dir });
  const server = new PGLiteSocketServer({ db, port: workerData.port, host: '127.0.0.1' });
  await server.start();
  parentPort.once('message', () => {
    server.stop().then(() => db.close()).then(
      () => parentPort.postMessage({ stopped: true }),
      (err) => parentPort.postMessage({ stopped: true, error: String((err && err.stack) || err) }),
    );
  });
  parentPort.postMessage({ started: true });
})().catch((err) => parentPort.postMessage({ failed: String((err && err.stack) || err) }));
`;

type WorkerMessage = { started: true } | { failed: string } | { stopped: true; error?: string };

export async function startEmbeddedServer(dir: string): Promise<EmbeddedServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const workerData = { dir, port, pglite: require.resolve('@electric-sql/pglite'), socket: require.resolve('@electric-sql/pglite-socket') };
  const worker = new Worker(WORKER_CODE, { eval: true, workerData });
  const next = () =>
    new Promise<WorkerMessage>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the embedded database's thread exited (${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (m: WorkerMessage) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        resolve(m);
      });
    });
  const first = await next();
  if ('failed' in first) {
    await worker.terminate();
    throw new Error(`embedded PostgreSQL did not start in ${dir}: ${first.failed}`);
  }
  // A thread that dies later shows as refused connections, which the store's callers report; unheard, its error would end the process.
  worker.on('error', () => undefined);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      const stopped = next();
      worker.postMessage('stop');
      try {
        const m = await stopped;
        if ('error' in m && m.error) throw new Error(`embedded PostgreSQL did not close cleanly: ${m.error}`);
      } finally {
        await worker.terminate();
      }
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
