/** What the monitoring resolvers read: health reports and alerts (raising is the worker's job). */
import { AlertService, type AuditService, HealthService, NO_EVENTS, type StoreHandle } from '../../process';
import type { AuditJobs } from '../../process';

export interface MonitoringServices {
  health: Pick<HealthService, 'report' | 'series'>;
  alerts: Pick<AlertService, 'list' | 'byId' | 'listRules' | 'updateRule' | 'removeOverride'>;
  /** For the read-only monitoring queries that are plain SQL. */
  db: StoreHandle;
  /** Absent when the server was built without a connection service that can read CRMs. */
  audit?: Pick<AuditService, 'report'>;
  /** Audits as background jobs with a history; absent when the server was built without the job queue. */
  audits?: Pick<AuditJobs, 'request' | 'page' | 'count' | 'byId'>;
}

export function createMonitoringServices(db: StoreHandle, audit?: Pick<AuditService, 'report'>, audits?: MonitoringServices['audits']): MonitoringServices {
  return { health: new HealthService(db), alerts: new AlertService({ db, events: NO_EVENTS }), db, audit, audits };
}
