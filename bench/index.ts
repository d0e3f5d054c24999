/**
 * `npm run bench` (full) and `npm run bench -- --quick` (< 2 min): every scenario of issue 8
 * (and 9, the API under a sync, of issue 20) against real PostgreSQL and Redis, each with its baseline measured in the same run, printed
 * as one table. `--only=1,3` runs a subset; `--json=FILE` also writes the rows as JSON.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { demoPeople } from '../src/system/demo-data/people';
import { runApiEfficiency } from './scenarios/api-efficiency';
import { runApiUnderSync } from './scenarios/api-under-sync';
import { runFanout } from './scenarios/fanout';
import { ingestRows, rawUpsert, runIngest, type IngestResult } from './scenarios/ingest';
import { runLatency } from './scenarios/latency';
import { runReads } from './scenarios/reads';
import { runSaturation } from './scenarios/saturation';
import { runStartup } from './scenarios/startup';
import { runWorkerPool } from './scenarios/worker-pool';
import { startBenchProcess } from './support/bench-process';
import { fmt, renderTable, type ResultRow } from './support/measure';
import { asContacts } from './support/rig';

// Proxy variables would route even loopback traffic elsewhere (crm-wire.md §4).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',').map(Number);
const jsonOut = args.find((a) => a.startsWith('--json='))?.slice(7);
const wants = (n: number) => !only || only.includes(n);

// Quick sizes are cut to what fits in 2 minutes on 2 busy cores (see BENCHMARKS.md).
const SIZES = quick
  ? { ingest: Number(process.env.BENCH_INGEST ?? 1_000), scale: 0, api: 500, readContacts: 10_000, readSeconds: 3, subscribers: 1_000, events: 1, changes: 20, intervalMs: 1_000, saturation: 1_000, limit: 5, windowMs: 1_000, apiSync: Number(process.env.BENCH_API_SYNC ?? 2_000), idleSeconds: 2, poolPeople: 200 }
  : { ingest: Number(process.env.BENCH_INGEST ?? 100_000), scale: Number(process.env.BENCH_SCALE ?? 1_000_000), api: 10_000, readContacts: 100_000, readSeconds: 15, subscribers: 1_000, events: 5, changes: 100, intervalMs: 1_000, saturation: 50_000, limit: 5, windowMs: 1_000, apiSync: Number(process.env.BENCH_API_SYNC ?? 20_000), idleSeconds: 5, poolPeople: 2_000 };

/** Scenario 6's heap limit: the one the Dockerfile gives Junction (NODE_OPTIONS). */
const SCALE_HEAP_MB = Number(process.env.BENCH_SCALE_HEAP_MB ?? 256);

/** Runs scenario 6's sync in a child process (bench/scale-child.ts) with the given heap limit. */
async function runScaleChild(n: number, heapMb: number): Promise<Omit<IngestResult, 'rig'>> {
  const { match } = await startBenchProcess('bench/scale-child.ts', [String(n)], heapMb, /^SCALE (.*)\n/m);
  return JSON.parse(match[1]!) as Omit<IngestResult, 'rig'>;
}

async function main(): Promise<void> {
  const rows: ResultRow[] = [];
  const started = Date.now();
  const log = (msg: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
  const report = (added: ResultRow[]) => {
    rows.push(...added);
    for (const x of added) log(`  ${x.scenario}: ${x.figure} | ${x.baseline} | ratio ${x.ratio === null ? '—' : x.ratio.toFixed(2)} | ${x.met === null ? 'n/a' : x.met ? 'met' : 'MISSED'}`);
  };
  const scenario = async (n: number, title: string, fn: () => Promise<ResultRow[]>) => {
    if (!wants(n)) return;
    log(`${n} ${title}`);
    try {
      report(await fn());
    } catch (err) {
      report([{ scenario: `${n} ${title}`, figure: `FAILED: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`, baseline: '—', ratio: null, target: '—', met: false }]);
    }
  };
  let ingestRate: number | undefined;

  await scenario(1, `ingest ${SIZES.ingest} contacts`, async () => {
    const out: ResultRow[] = [];
    const baseline = await (async () => {
      const r = await runIngest(SIZES.ingest, 'BULK', true);
      try {
        const b = await rawUpsert(r.rig.bench.url, asContacts(demoPeople(SIZES.ingest, 7)));
        out.push(...ingestRows(SIZES.ingest, r, b, 'BULK'));
        ingestRate = r.status.startsWith('SUCCEEDED') ? r.recordsPerSecond : undefined;
        return b;
      } finally {
        await r.rig.close();
      }
    })();
    if (ingestRate === undefined) {
      // A failed bulk run still leaves the pipeline's speed to measure: the incremental path.
      const r = await runIngest(SIZES.ingest, 'INCREMENTAL', true);
      await r.rig.close();
      out.push(...ingestRows(SIZES.ingest, r, baseline, 'INCREMENTAL'));
      ingestRate = r.recordsPerSecond;
    }
    return out;
  });
  await scenario(2, `API efficiency, ${SIZES.api} records each way`, () => runApiEfficiency(SIZES.api));
  await scenario(3, `reads over ${SIZES.readContacts} contacts`, () => runReads(SIZES.readContacts, SIZES.readSeconds));
  await scenario(4, `fan-out to ${SIZES.subscribers} subscribers`, () => runFanout(SIZES.subscribers, SIZES.events));
  await scenario(5, `latency over ${SIZES.changes} changes`, () => runLatency(SIZES.changes, SIZES.intervalMs));
  if (SIZES.scale > 0)
    await scenario(6, `memory and scale, ${SIZES.scale} contacts`, async () => {
      const r = await runScaleChild(SIZES.scale, SCALE_HEAP_MB);
      const within = ingestRate === undefined ? null : r.recordsPerSecond / ingestRate;
      return [
        {
          scenario: `6 scale: BULK sync of ${fmt(SIZES.scale)} contacts, peak RSS`,
          figure: `${fmt(r.peakRssMb)} MB (a fresh Junction process with --max-old-space-size=${SCALE_HEAP_MB}, as the Dockerfile sets; the emulator in its own process; ${fmt(r.rssAfterSeedMb)} MB before the run; peak V8 heap in use ${fmt(r.peakHeapMb)} MB; ${r.status})`,
          baseline: '—',
          ratio: null,
          target: '≤ 400 MB',
          met: r.peakRssMb <= 400,
        },
        {
          scenario: `6 scale: throughput at ${fmt(SIZES.scale)} vs at ${fmt(SIZES.ingest)}`,
          figure: `${fmt(r.recordsPerSecond)} rec/s`,
          baseline: ingestRate === undefined ? 'n/a' : `${fmt(ingestRate)} rec/s`,
          ratio: within,
          target: 'within 20 % (≥ 0.8)',
          met: within === null ? null : within >= 0.8,
        },
      ];
    });
  await scenario(7, 'start-up (npm start, embedded database)', () => runStartup());
  await scenario(8, `saturation, ${SIZES.saturation} contacts each way`, () => runSaturation(SIZES.saturation, SIZES.limit, SIZES.windowMs));
  await scenario(9, `API under a BULK sync of ${SIZES.apiSync} contacts, PostgreSQL and embedded`, async () => [
    ...(await runApiUnderSync(SIZES.apiSync, 'postgres', SIZES.idleSeconds)),
    ...(await runApiUnderSync(SIZES.apiSync, 'embedded', SIZES.idleSeconds)),
  ]);
  await scenario(10, `worker pool, ${SIZES.poolPeople} people per connection`, () => runWorkerPool(SIZES.poolPeople));

  const took = (Date.now() - started) / 1000;
  process.stdout.write(`\nJunction benchmarks (${quick ? 'quick' : 'full'}) — ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB, node ${process.version}, ${fmt(took)} s\n\n`);
  process.stdout.write(`${renderTable(rows)}\n`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ quick, at: new Date().toISOString(), seconds: took, rows }, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
