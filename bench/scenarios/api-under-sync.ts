/**
 * 9. The API under a sync: while a BULK sync of N Salesforce contacts runs, a load balancer's
 * probe asks `/readyz` every 100 ms and two readers ask the contract's Contacts(first: 100)
 * (one request each, 100 ms apart); their p99 is compared with the same probes against the
 * same store idle, right after the run. On PostgreSQL and on embedded PGlite (a new user's
 * default store, where the API and the sync share one session).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runOf } from '../../src/process/sync/runs/sync-run.service';
import { openApiPool } from '../../src/process/store/api-pool';
import { startJunctionServer } from '../support/junction-server';
import { fmt, percentile, sleep, type ResultRow } from '../support/measure';
import { startRig } from '../support/rig';
import { startEmulatorProcess } from './ingest';
import { CONTACTS_QUERY } from './reads';

interface Probe {
  latencies: number[];
  errors: number;
  sample: string;
}

const READERS = 2;
const PAUSE_MS = 100;

/** Asks `request` with `pauseMs` between answers until `until` settles; a reset or non-200 answer is an error, timed like the rest. */
async function probe(request: () => Promise<Response>, until: Promise<unknown>, pauseMs: number): Promise<Probe> {
  const out: Probe = { latencies: [], errors: 0, sample: '' };
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const t0 = performance.now();
    try {
      const res = await request();
      const text = await res.text();
      if (res.status !== 200 || text.includes('"errors"')) {
        out.errors++;
        out.sample ||= `${res.status} ${text.slice(0, 200)}`;
      }
    } catch (err) {
      out.errors++;
      out.sample ||= err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err);
    }
    out.latencies.push(performance.now() - t0);
    await sleep(pauseMs);
  }
  return out;
}

function merge(parts: Probe[]): Probe {
  return { latencies: parts.flatMap((p) => p.latencies), errors: parts.reduce((s, p) => s + p.errors, 0), sample: parts.find((p) => p.sample)?.sample ?? '' };
}

/** The probe load: one readiness prober and READERS Contacts readers, until `until` settles. */
async function measure(url: string, key: string, until: Promise<unknown>): Promise<{ ready: Probe; contacts: Probe }> {
  const body = JSON.stringify({ query: CONTACTS_QUERY, variables: { first: 100 } });
  const contacts = () => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
  const [ready, ...readers] = await Promise.all([
    probe(() => fetch(`${url}/readyz`), until, PAUSE_MS),
    ...Array.from({ length: READERS }, () => probe(contacts, until, PAUSE_MS)),
  ]);
  return { ready: ready!, contacts: merge(readers) };
}

const describe = (p: Probe) =>
  `p99 ${fmt(percentile(p.latencies, 99))} ms (p50 ${fmt(percentile(p.latencies, 50))}, max ${fmt(Math.max(...p.latencies))}, ${p.latencies.length} requests${p.errors ? `, ${p.errors} errors: ${p.sample}` : ''})`;

export async function runApiUnderSync(n: number, store: 'postgres' | 'embedded', idleSeconds: number): Promise<ResultRow[]> {
  const emulator = await startEmulatorProcess(n);
  const rig = await startRig({ crms: [], external: { SALESFORCE: emulator.url }, store });
  try {
    // As app.ts serves it: the API on its own pool on PostgreSQL, the one session on embedded.
    const api = await openApiPool(rig.bench.db, { statementTimeoutMs: 5_000 });
    const junction = await startJunctionServer(api.dataSource);
    try {
      const run = runOf(await rig.runs.trigger(rig.ids.get('SALESFORCE')!, 'BULK'));
      const started = performance.now();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const drained = rig.worker.drain().finally(() => loop.disable());
      const busy = await measure(junction.url, junction.viewerKey, drained);
      const seconds = (performance.now() - started) / 1000;
      const done = (await rig.runs.get(run.id))!;
      const idle = await measure(junction.url, junction.viewerKey, sleep(idleSeconds * 1000));
      const label = store === 'embedded' ? 'embedded PGlite' : 'PostgreSQL';
      const runNote = `${done.status} read=${fmt(done.recordsRead)} in ${fmt(seconds, 1)} s (${fmt(done.recordsRead / seconds)} rec/s); event loop delay max ${fmt(loop.max / 1e6)} ms`;
      const row = (what: string, busyProbe: Probe, idleProbe: Probe, boundMs: number): ResultRow => {
        const p99 = percentile(busyProbe.latencies, 99);
        const idleP99 = percentile(idleProbe.latencies, 99);
        return {
          scenario: `9 API under sync (${label}): ${what} p99 during a BULK sync of ${fmt(n)} SF contacts`,
          figure: `${describe(busyProbe)}; run ${runNote}`,
          baseline: `idle, same store after the run: ${describe(idleProbe)}`,
          ratio: p99 / idleP99,
          target: `p99 < ${fmt(boundMs)} ms, no errors`,
          met: p99 < boundMs && busyProbe.errors === 0 && done.status === 'SUCCEEDED',
        };
      };
      return [row('/readyz', busy.ready, idle.ready, 500), row('Contacts(first: 100)', busy.contacts, idle.contacts, 1_000)];
    } finally {
      await junction.close();
      await api.close();
    }
  } finally {
    await rig.close();
    emulator.child.stdin?.end();
  }
}
