/**
 * Scenario 6 in a process of its own (bench/index.ts starts it with a heap limit): a fresh
 * Junction, so its RSS is the sync's and not what earlier scenarios left in the bench's heap.
 * Prints one `SCALE {json}` line with the ingest result.
 */
import 'reflect-metadata';
import { runIngest } from './scenarios/ingest';

// Proxy variables would route even loopback traffic elsewhere (crm-wire.md §4).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

runIngest(Number(process.argv[2]), 'BULK', true).then(
  async ({ rig, ...result }) => {
    await rig.close();
    process.stdout.write(`SCALE ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`scale run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
