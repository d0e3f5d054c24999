/**
 * Watches health without touching the sync engine: it wraps the engine's EventBus to see
 * runs finish, and ticks on a timer for what time alone changes (a dead man's switch, an
 * expiring token). Each check publishes HEALTH_CHANGED when a run finished or the health
 * fingerprint moved, and evaluates the alert rules. Over Redis, the published events reach
 * every instance's subscribers.
 */
import type { DataSource } from 'typeorm';
import type { AlertService } from '../alerts/alert.service';
import { TOPICS, type EventBus } from '../events';
import { healthFingerprint, healthReport } from './health-report';
import { loadHealthSnapshot } from './health-snapshot';

const FINISHED = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED', 'INTERRUPTED', 'CANCELLED']);
const FINGERPRINT_WINDOW_MS = 3_600_000;

export interface HealthMonitorOptions {
  db: DataSource;
  events: EventBus;
  alerts?: AlertService;
  /** @default () => new Date() */
  clock?: () => Date;
  /** @default 15_000 */
  intervalMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private runFinished = false;
  private lastFingerprint: string | undefined;

  constructor(private options: HealthMonitorOptions) {}

  /** The bus to give the sync engine: passes everything on and notices finished runs. */
  observe(bus: EventBus): EventBus {
    return {
      publish: (topic, payload) => {
        bus.publish(topic, payload);
        if (topic === TOPICS.SYNC_RUN_UPDATED && FINISHED.has((payload as { status?: string }).status ?? '')) {
          this.runFinished = true;
          void this.check();
        }
        if (topic === TOPICS.QUARANTINE_CHANGED) void this.check();
      },
    };
  }

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.options.intervalMs ?? 15_000);
    this.timer.unref?.();
    void this.check();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Serialized: a check asked for while one runs is done once, right after it. */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.checkOnce().catch((err: unknown) => this.options.log?.('warn', 'health check failed', { err: err instanceof Error ? err.message : String(err) }));
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    const now = (this.options.clock ?? (() => new Date()))();
    const report = healthReport(await loadHealthSnapshot(this.options.db, now, FINGERPRINT_WINDOW_MS));
    const fingerprint = healthFingerprint(report);
    const finished = this.runFinished;
    this.runFinished = false;
    if (finished || fingerprint !== this.lastFingerprint) this.options.events.publish(TOPICS.HEALTH_CHANGED, { at: now.toISOString() });
    this.lastFingerprint = fingerprint;
    await this.options.alerts?.evaluate(now);
  }
}
