/** Success rate and latency per time bucket, for the dashboard's charts. */
import { readHealthSeries, type HealthPoint } from '../store/ops/health-series.read-model';
import type { Queryable } from '../store/queryable';

export type { HealthPoint } from '../store/ops/health-series.read-model';

/** `buckets` equal buckets over the window ending at `now`, none shorter than a second. */
export async function loadHealthSeries(db: Queryable, now: Date, windowMs: number, buckets: number): Promise<HealthPoint[]> {
  return readHealthSeries(db, now, Math.max(1000, Math.floor(windowMs / buckets)), buckets);
}
