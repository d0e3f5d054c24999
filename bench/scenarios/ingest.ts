/**
 * 1. Ingest (and 6. memory and scale): a BULK sync of N Salesforce contacts through the
 * whole pipeline, against a raw multi-row INSERT … ON CONFLICT of the same rows into an
 * equivalent table in the same database.
 */
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { demoPeople, type DemoPerson } from '../../src/system/demo-data/people';
import { startBenchProcess } from '../support/bench-process';
import { fmt, rssMb, sampleMemory, timed, type ResultRow } from '../support/measure';
import { asContacts, seedInSlices, startRig, type Rig } from '../support/rig';

export interface IngestResult {
  rig: Rig;
  recordsPerSecond: number;
  peakRssMb: number;
  peakHeapMb: number;
  rssAfterSeedMb: number;
  apiCalls: number;
  seconds: number;
  status: string;
}

/**
 * Seeds N contacts into a Salesforce emulator and runs one BULK sync; the rig is left open for
 * reads. With `separateEmulator` the emulator runs in a process of its own, so the RSS figures
 * are Junction's alone (scenario 6: a million records held by the emulator would dwarf them).
 */
export async function runIngest(n: number, mode: 'BULK' | 'INCREMENTAL' = 'BULK', separateEmulator = false): Promise<IngestResult> {
  let emulatorProcess: ChildProcess | undefined;
  let rig: Rig;
  if (separateEmulator) {
    const started = await startEmulatorProcess(n);
    emulatorProcess = started.child;
    rig = await startRig({ crms: [], external: { SALESFORCE: started.url } });
    const close = rig.close.bind(rig);
    rig.close = async () => {
      await close();
      emulatorProcess?.stdin?.end();
    };
  } else {
    rig = await startRig({ crms: ['SALESFORCE'] });
    const people = asContacts(demoPeople(n, 7));
    await seedInSlices(rig.emulators.get('SALESFORCE')!, people);
    people.length = 0;
  }
  global.gc?.();
  const rssAfterSeedMb = rssMb();
  const rss = sampleMemory();
  const statements = countStatements();
  const { value: run, ms } = await timed(() => rig.sync('SALESFORCE', mode)).finally(() => statements.stop());
  const peakRssMb = rss.stop();
  return { rig, recordsPerSecond: (run.recordsRead / ms) * 1000, peakRssMb, peakHeapMb: rss.peakHeapMb(), rssAfterSeedMb, apiCalls: run.apiCalls, seconds: ms / 1000, status: `${run.status} read=${run.recordsRead}, ${fmt(statements.count() / Math.max(1, run.recordsRead), 1)} SQL statements/record, quarantined=${run.recordsQuarantined}${run.error ? ` error=${run.error}` : ''}` };
}

/** Counts pg statements (every TypeORM query goes through pg's Client#query). */
export function countStatements(): { count(): number; stop(): void } {
  const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...a: unknown[]) {
    n++;
    return original.apply(this, a);
  };
  return { count: () => n, stop: () => void (proto.query = original) };
}

const COLUMNS = ['email', 'first_name', 'last_name', 'phone', 'title', 'city', 'state', 'country', 'postal_code'] as const;

/** The baseline: the same rows, 1,000 per multi-row upsert statement, one connection. */
export async function rawUpsert(url: string, people: DemoPerson[]): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE bench_raw_contacts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text NOT NULL UNIQUE, first_name text, last_name text, phone text, title text,
      city text, state text, country text, postal_code text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);
    const { ms } = await timed(async () => {
      for (let i = 0; i < people.length; i += 1000) {
        const slice = people.slice(i, i + 1000);
        const params: unknown[] = [];
        const tuples = slice.map((p) => {
          const row = [p.email.toLowerCase(), p.firstName, p.lastName, p.phone, p.title, p.city, p.state, p.country, p.postalCode];
          const base = params.length;
          params.push(...row);
          return `(${row.map((_, j) => `$${base + j + 1}`).join(', ')})`;
        });
        await client.query(
          `INSERT INTO bench_raw_contacts (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
           ON CONFLICT (email) DO UPDATE SET ${COLUMNS.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
          params,
        );
      }
    });
    return (people.length / ms) * 1000;
  } finally {
    await client.query(`DROP TABLE IF EXISTS bench_raw_contacts`).catch(() => undefined);
    await client.end();
  }
}

export function ingestRows(n: number, r: IngestResult, baseline: number, mode = 'BULK'): ResultRow[] {
  const ratio = r.recordsPerSecond / baseline;
  return [
    {
      scenario: `1 ingest: ${mode} sync of ${fmt(n)} SF contacts (records/s)`,
      figure: `${fmt(r.recordsPerSecond)} rec/s (${fmt(r.seconds, 1)} s, ${r.apiCalls} API calls, ${r.status})`,
      baseline: `${fmt(baseline)} rec/s raw pg upsert`,
      ratio,
      target: 'ratio ≥ 0.25 (issue 20)',
      met: ratio >= 0.25,
    },
    {
      scenario: `1 ingest: peak RSS during the ${fmt(n)} ${mode} sync`,
      figure: `${fmt(r.peakRssMb)} MB (Junction alone, the emulator in its own process; before the run: ${fmt(r.rssAfterSeedMb)} MB; peak V8 heap in use ${fmt(r.peakHeapMb)} MB${heapLimit()})`,
      baseline: '—',
      ratio: null,
      target: 'recorded',
      met: null,
    },
  ];
}

/** The heap limit the bench runs under, when one was set (`--max-old-space-size`, e.g. through NODE_OPTIONS). */
function heapLimit(): string {
  const flag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].find((a) => a.startsWith('--max-old-space-size='));
  return flag ? `, run with ${flag}` : '';
}

/** The Salesforce emulator in its own process, seeded with N demo contacts (bench/support/emulator-process.ts). */
export async function startEmulatorProcess(n: number): Promise<{ child: ChildProcess; url: string }> {
  const { child, match } = await startBenchProcess('bench/support/emulator-process.ts', [String(n)], 8192, /EMULATOR (\S+)\n/);
  return { child, url: match[1]! };
}
