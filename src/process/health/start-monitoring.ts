/** Wires the health monitor, the alert service and the optional signed webhook together. */
import type { DataSource } from 'typeorm';
import { AlertWebhook, SlackWebhook } from '../alerts/alert-webhook';
import { AlertService } from '../alerts/alert.service';
import type { ConnectionService } from '../connections/connection.service';
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

export interface MonitoringOptions {
  db: DataSource;
  events: EventBus;
  webhook?: { url: string; secret: string };
  /** A Slack-compatible incoming webhook, for rules whose channels name SLACK. */
  slackUrl?: string;
  intervalMs?: number;
  clock?: () => Date;
  log?: Log;
  /** Refused or restored credentials, pauses and deletions are checked at once, not at the next tick. */
  connections?: Pick<ConnectionService, 'onChange'>;
}

export function startMonitoring(options: MonitoringOptions): RunningMonitoring {
  const { db, events, log } = options;
  const webhook = options.webhook ? new AlertWebhook({ ...options.webhook, log }) : undefined;
  const slack = options.slackUrl ? new SlackWebhook({ url: options.slackUrl, log }) : undefined;
  const alerts = new AlertService({ db, events, webhook, slack, log });
  const monitor = new HealthMonitor({ db, events, alerts, log, clock: options.clock, intervalMs: options.intervalMs ?? 10_000 });
  monitor.start();
  const unwatch = options.connections?.onChange(() => void monitor.check());
  return {
    events: monitor.observe(events),
    monitor,
    alerts,
    async close() {
      unwatch?.();
      await monitor.stop();
      await Promise.all([webhook?.close(), slack?.close()]);
    },
  };
}
