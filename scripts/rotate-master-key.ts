/**
 * Re-encrypts every CRM credential under a new master key, in one transaction.
 *
 *   JUNCTION_MASTER_KEY=<old> JUNCTION_NEW_MASTER_KEY=<new> npm run rotate-master-key
 *   npm run rotate-master-key -- --generate      (makes the new key and prints it once)
 *
 * Then start Junction with JUNCTION_MASTER_KEY=<new>. Keys are read from the environment
 * (never from arguments, which other users can see in the process list).
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config';
import { runMasterKeyRotation } from '../src/process/security/rotation-command';

async function main(): Promise<void> {
  const unknown = process.argv.slice(2).filter((a) => a !== '--generate');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}: keys come from JUNCTION_MASTER_KEY and JUNCTION_NEW_MASTER_KEY; the only flag is --generate`);
    process.exit(2);
  }
  const config = loadConfig(process.env);
  const outcome = await runMasterKeyRotation(config, { generate: process.argv.includes('--generate') });
  const lines = [
    `Re-encrypted ${outcome.rotated} connection credential(s)${outcome.alreadyRotated ? `; ${outcome.alreadyRotated} were under the new key already` : ''}.`,
    outcome.keyFileUpdated ? 'The local key file now holds the new key.' : 'Start Junction with JUNCTION_MASTER_KEY set to the new key.',
    outcome.generatedKey ? `New master key (shown once): ${outcome.generatedKey}` : '',
  ];
  process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError || err instanceof Error ? err.message : String(err));
  process.exit(1);
});
