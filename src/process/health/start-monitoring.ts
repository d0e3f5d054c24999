/** Wires the health monitor, the alert service and the optional signed webhook together. */
import type { DataSource } from 'typeorm';
import { AlertWebhook } from '../alerts/alert-webhook';
import { AlertService } from '../alerts/alert.service';
import type { EventBus } from '../events';
import { HealthMonitor } from './health-monitor';

type Log = (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;

export interface RunningMonitoring {
  /** Give this to the sync engine so finished runs trigger a health check at once. */
  events: EventBus;
  monitor: HealthMonitor;
  alerts: AlertService;
  close(): Promise<void>;
}

export function startMonitoring(options: { db: DataSource; events: EventBus; webhook?: { url: string; secret: string }; intervalMs?: number; clock?: () => Date; log?: Log }): RunningMonitoring {
  const { db, events, log } = options;
  const webhook = options.webhook ? new AlertWebhook({ ...options.webhook, log }) : undefined;
  const alerts = new AlertService({ db, events, webhook, log });
  const monitor = new HealthMonitor({ db, events, alerts, log, clock: options.clock, intervalMs: options.intervalMs ?? 10_000 });
  monitor.start();
  return {
    events: monitor.observe(events),
    monitor,
    alerts,
    async close() {
      await monitor.stop();
      await webhook?.close();
    },
  };
}
