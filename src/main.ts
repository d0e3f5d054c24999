/**
 * `npm start`: Junction on its configuration (embedded defaults when there is none).
 * Bad configuration stops start-up with one message naming every problem.
 */
import 'reflect-metadata';
import { constants as osConstants } from 'node:os';
import { ConfigError, loadConfig } from './config';

/** Stopping takes well under a second when idle and a page or two when a run is in progress. */
const SHUTDOWN_LIMIT_MS = 15_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const started = Date.now();
  // Loaded after the configuration is known good, so a bad value fails in well under a second.
  const { startJunction } = await import('./app');
  const junction = await startJunction(config);
  const lines = [
    '',
    `  Junction is ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    junction.url ? `  GraphQL    ${junction.url}/graphql` : '  GraphQL    (not served: JUNCTION_ROLE=worker)',
    junction.url ? `  Dashboard  ${junction.url}/` : '',
    ...junction.emulators.map((e) => `  ${e.kind.padEnd(10)} emulator ${e.url}`),
    // Only a key generated now is shown, this once; a configured JUNCTION_ADMIN_KEY never is.
    junction.generatedAdminKey
      ? `  Admin key  ${junction.generatedAdminKey}   (shown once; set JUNCTION_ADMIN_KEY to choose your own)`
      : '  Admin key  the one you configured or were shown before',
    `  Database   ${config.database.url ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.database.embeddedDir}`}`,
    '',
  ].filter((l) => l !== '');
  // The banner goes to the terminal, not the log: the admin key must never reach log storage.
  process.stdout.write(`${lines.join('\n')}\n\n`);
  let stopping = false;
  const stop = (signal: 'SIGINT' | 'SIGTERM') => {
    // A second signal while stopping (Ctrl-C twice) is someone who will not wait: exit at once.
    // The run in progress, if any, is then left RUNNING, and the next start treats it as a killed one's.
    if (stopping) process.exit(128 + osConstants.signals[signal]);
    stopping = true;
    junction.logger.info({ signal }, 'shutting down');
    // The last resort for a step that hangs (a vendor call, a database that stopped answering).
    setTimeout(() => {
      junction.logger.error({ signal }, `shutdown took over ${SHUTDOWN_LIMIT_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    const started = Date.now();
    void junction.close().then(() => {
      junction.logger.info({ signal, ms: Date.now() - started }, 'stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`Junction failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
