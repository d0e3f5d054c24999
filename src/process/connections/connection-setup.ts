/**
 * A connection's setup in its CRM (issue 16 item 4): the live check of what Junction needs
 * there, provisioning what is missing through the CRM's metadata API (each CRM's
 * `system/<crm>/setup.ts`), and the one-line summary testConnection and a refused sync give.
 */
import { API_ACCESS, SystemError, type SetupReport, type SystemAdapter } from '../../system';

/** An adapter with no setup module needs nothing from its CRM. */
const NOTHING_NEEDED: SetupReport = { ready: true, checks: [] };

export const checkSetup = (adapter: SystemAdapter): Promise<SetupReport> => adapter.checkSetup?.() ?? Promise.resolve(NOTHING_NEEDED);

export const provisionSetup = (adapter: SystemAdapter): Promise<SetupReport> => adapter.provision?.() ?? Promise.resolve(NOTHING_NEEDED);

/** The check could not reach the CRM at all (the API-access check failed), so it says nothing about the CRM's setup. */
export const lacksApiAccess = (report: SetupReport): boolean => report.checks.some((c) => c.name === API_ACCESS && !c.ok);

/** What is missing, by check name, and what to do: for a test's message and a refused run's error. */
export function setupProblems(report: SetupReport): string {
  const failing = report.checks.filter((c) => !c.ok);
  const fixable = failing.every((c) => c.fixable);
  const names = failing.map((c) => c.name).join(', ');
  return `setup incomplete in the CRM: missing or not ready: ${names}. ${fixable ? 'Run provisionConnection (or turn on autoProvision) to create them.' : 'See connectionSetup for what to fix in the CRM.'}`;
}

/** Error classes a vendor answers with when Junction's field, property or key is missing. */
const SETUP_SYMPTOMS: readonly string[] = ['VALIDATION', 'SCHEMA', 'NOT_FOUND', 'DATA_FORMAT'];

/** Whether a run's failure may come from a missing setup (then the setup check is worth its calls). */
export const setupMayExplain = (err: unknown): err is SystemError => err instanceof SystemError && SETUP_SYMPTOMS.includes(err.errorClass);

/** The SCHEMA error a run of an unprovisioned connection fails with (never the vendor's raw INVALID_FIELD). */
export const setupError = (report: SetupReport): SystemError => new SystemError('SCHEMA', 'SETUP_INCOMPLETE', setupProblems(report));
