/**
 * A Salesforce emulator in a process of its own, seeded with N demo contacts, so scenario 6
 * measures Junction's memory and not the emulator's (a million records held in memory).
 * Prints `EMULATOR <url>` when ready; exits when its parent closes stdin.
 */
import { startEmulators } from '../../src/system';
import { demoPeople } from '../../src/system/demo-data/people';
import { asContacts } from './rig';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 0);
  const [emulator] = await startEmulators({ seed: 0, defaultPorts: false, crms: ['SALESFORCE'] });
  // Seeded in slices: a million people at once would hold every DemoPerson and every record together.
  for (let i = 0; i < n; i += 10_000) emulator!.seed(asContacts(demoPeople(Math.min(10_000, n - i), 7, i)));
  process.stdout.write(`EMULATOR ${emulator!.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void emulator!.close().finally(() => process.exit(0)));
}

void main();
