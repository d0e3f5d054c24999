/** What the API asks of health: a report over a window and a time series for charts. */
import type { DataSource } from 'typeorm';
import { firstRunFinishedBetween } from '../store/ops/health-series.read-model';
import { healthReport, type HealthReport } from './health-report';
import { loadHealthSeries, type HealthPoint } from './health-series';
import { loadHealthSnapshot } from './health-snapshot';

const MIN_SERIES_SPAN_MS = 2 * 60_000;

export class HealthService {
  constructor(
    private db: DataSource,
    private clock: () => Date = () => new Date(),
  ) {}

  async report(windowMs: number): Promise<HealthReport> {
    return healthReport(await loadHealthSnapshot(this.db, this.clock(), windowMs));
  }

  /**
   * The series spans the window, or only the time since the first run in it when that is
   * shorter (at least 2 min): a young installation gets a readable chart, not one bucket.
   */
  async series(windowMs: number, buckets: number): Promise<HealthPoint[]> {
    const now = this.clock();
    const first = await firstRunFinishedBetween(this.db, new Date(now.getTime() - windowMs), now);
    const span = first ? Math.min(windowMs, Math.max(MIN_SERIES_SPAN_MS, now.getTime() - first.getTime() + 60_000)) : windowMs;
    return loadHealthSeries(this.db, now, span, buckets);
  }
}
