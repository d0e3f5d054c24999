/** What the monitoring resolvers read: health reports and alerts (raising is the worker's job). */
import type { StoreHandle } from '../../process/store/readiness';
import { AlertService } from '../../process/alerts/alert.service';
import type { AuditService } from '../../process/audit/audit.service';
import { NO_EVENTS } from '../../process/events';
import { HealthService } from '../../process/health/health.service';

export interface MonitoringServices {
  health: Pick<HealthService, 'report' | 'series'>;
  alerts: Pick<AlertService, 'list' | 'byId'>;
  /** For the read-only monitoring queries that are plain SQL. */
  db: StoreHandle;
  /** Absent when the server was built without a connection service that can read CRMs. */
  audit?: Pick<AuditService, 'report'>;
}

export function createMonitoringServices(db: StoreHandle, audit?: Pick<AuditService, 'report'>): MonitoringServices {
  return { health: new HealthService(db), alerts: new AlertService({ db, events: NO_EVENTS }), db, audit };
}
