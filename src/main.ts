/**
 * `npm start`: Junction on its configuration (embedded defaults when there is none).
 * Bad configuration stops start-up with one message naming every problem.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';

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
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    junction.logger.info({ signal }, 'shutting down');
    // A stuck vendor call must not keep the process alive forever.
    setTimeout(() => {
      junction.logger.error({ signal }, 'shutdown took over 15 s; exiting');
      process.exit(1);
    }, 15_000).unref();
    void junction.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`Junction failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
