/**
 * `npm run emulators`: the CRM emulators on their default ports, on their own, so Junction
 * can be stopped, killed and restarted while the CRMs keep their data.
 */
import { startEmulators } from './emulators';

const seed = Number(process.env.JUNCTION_SEED ?? 200);
if (!Number.isInteger(seed) || seed < 0) {
  console.error('JUNCTION_SEED must be a whole number ≥ 0');
  process.exit(1);
}
startEmulators({ seed, defaultPorts: true })
  .then((emulators) => {
    for (const e of emulators) console.log(`${e.kind.padEnd(10)} emulator at ${e.url}`);
    const stop = () => void Promise.all(emulators.map((e) => e.close())).then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  })
  .catch((err: unknown) => {
    console.error(`emulators failed to start: ${(err as Error).message}`);
    process.exit(1);
  });
