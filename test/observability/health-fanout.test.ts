/**
 * HealthChanged fan-out: one health report per event however many subscribe, identical
 * subscriptions share one result, and each subscriber still gets what it asked for (its own
 * connectionId filter, its role's answer).
 */
import { describe, expect, it } from 'vitest';
import { HealthService } from '../../src/process/health/health.service';
import { useHarness } from '../support/harness';
import { insertConnection } from '../support/builders';
import { useDatabase } from '../support/database';
import { collect, waitFor, type Collector } from './support';

const HEALTH_CHANGED = `subscription HealthChanged($connectionId: ID) {
  healthChanged(connectionId: $connectionId) { status quarantineSize connections { connection { id name } status circuit } }
}`;

interface HealthData {
  status: string;
  quarantineSize: number;
  connections: Array<{ connection: { id: string; name: string }; status: string; circuit: string }>;
}

const db = useDatabase();
const h = useHarness(db);

describe('HealthChanged fan-out', () => {
  it('computes one report per event for every subscriber and gives each its own filter and role', async () => {
    const a = await insertConnection(db.dataSource, { name: 'fanout-a' });
    const b = await insertConnection(db.dataSource, { name: 'fanout-b', kind: 'HUBSPOT' });
    const viewer = await h.keyFor('VIEWER');
    const admin = await h.keyFor('ADMIN');
    const subs: Array<Collector<{ healthChanged: HealthData }>> = [
      collect(h.url, viewer, HEALTH_CHANGED),
      collect(h.url, viewer, HEALTH_CHANGED),
      collect(h.url, viewer, HEALTH_CHANGED),
      collect(h.url, admin, HEALTH_CHANGED),
      collect(h.url, viewer, HEALTH_CHANGED, { connectionId: a }),
    ];
    const original = HealthService.prototype.report;
    let reports = 0;
    HealthService.prototype.report = function (this: HealthService, ...args: Parameters<HealthService['report']>) {
      reports++;
      return original.apply(this, args);
    };
    try {
      // Live once every subscriber has heard an event.
      await waitFor('every subscription to be live', () => {
        h.bundle.events.publish('HEALTH_CHANGED', { at: new Date().toISOString() });
        return subs.every((s) => s.events.length > 0) || undefined;
      });
      await new Promise((r) => setTimeout(r, 100)); // let the warm-up events settle
      const before = subs.map((s) => s.events.length);
      reports = 0;
      h.bundle.events.publish('HEALTH_CHANGED', { at: new Date().toISOString() });
      await waitFor('the event at every subscriber', () => subs.every((s, i) => s.events.length > before[i]!) || undefined);

      expect(reports).toBe(1);
      const latest = subs.map((s) => s.events[s.events.length - 1]!.healthChanged);
      const names = (d: HealthData) => d.connections.map((c) => [c.connection.id, c.connection.name]).sort();
      expect(names(latest[0]!)).toEqual([[a, 'fanout-a'], [b, 'fanout-b']].sort());
      expect(latest[1]).toEqual(latest[0]);
      expect(latest[2]).toEqual(latest[0]);
      expect(latest[3]).toEqual(latest[0]);
      expect(names(latest[4]!)).toEqual([[a, 'fanout-a']]);
    } finally {
      HealthService.prototype.report = original;
      for (const s of subs) await s.close();
      await db.dataSource.query(`DELETE FROM connections`);
    }
  });
});
