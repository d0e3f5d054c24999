/**
 * 5. Latency: a contact's title changed in HubSpot until Salesforce holds it, with the worker
 * syncing continuously by polling every `intervalMs` (the scheduler queues a run per
 * connection each interval). Changes are spaced out and measured concurrently.
 */
import { demoPeople } from '../../src/system/demo-data/people';
import { fmt, percentile, sleep, type ResultRow } from '../support/measure';
import { asContacts, startRig } from '../support/rig';

async function salesforceTitles(url: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const object of ['Contact', 'Lead']) {
    const res = await fetch(`${url}/_emulator/records/${object}`);
    for (const r of (await res.json()) as Array<{ Email?: string | null; Title?: string | null; IsDeleted?: boolean }>)
      if (r.Email && r.Title && r.IsDeleted !== true) out.set(r.Email.toLowerCase(), r.Title);
  }
  return out;
}

export async function runLatency(changes: number, intervalMs: number, spacingMs = 250): Promise<ResultRow[]> {
  const rig = await startRig({ crms: ['HUBSPOT', 'SALESFORCE'], intervalMs });
  try {
    const people = asContacts(demoPeople(changes, 11, 500_000));
    const hubspot = rig.emulators.get('HUBSPOT')!;
    const sfUrl = rig.emulators.get('SALESFORCE')!.url;
    hubspot.seed(people);
    await rig.sync('HUBSPOT');
    await rig.sync('SALESFORCE');
    const converged = (await salesforceTitles(sfUrl)).size;
    rig.worker.start();
    await sleep(intervalMs);
    const started = new Map<number, number>();
    const latencies = new Map<number, number>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const titles = await salesforceTitles(sfUrl);
        const now = performance.now();
        for (const [i, t0] of started) {
          if (latencies.has(i)) continue;
          if (titles.get(people[i]!.email.toLowerCase()) === `Bench title ${i}`) latencies.set(i, now - t0);
        }
        await sleep(25);
      }
    })();
    for (let i = 0; i < people.length; i++) {
      hubspot.seed([{ ...people[i]!, title: `Bench title ${i}` }]);
      started.set(i, performance.now());
      await sleep(spacingMs);
    }
    const deadline = Date.now() + intervalMs * 4 + 20_000;
    while (latencies.size < people.length && Date.now() < deadline) await sleep(100);
    polling = false;
    await poller;
    const values = [...latencies.values()];
    const p95 = percentile(values, 95);
    const target = intervalMs + 1000;
    return [
      {
        scenario: `5 latency: HubSpot change → Salesforce, polling every ${fmt(intervalMs)} ms, ${changes} changes`,
        figure: `p50 ${fmt(percentile(values, 50))} ms, p95 ${fmt(p95)} ms (${values.length}/${changes} arrived; ${converged} converged first)`,
        baseline: `interval ${fmt(intervalMs)} ms`,
        ratio: p95 / target,
        target: `p95 ≤ interval + 1 s (${fmt(target)} ms)`,
        met: values.length === changes && p95 <= target,
      },
    ];
  } finally {
    await rig.close();
  }
}
