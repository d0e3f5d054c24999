/**
 * Helpers the per-CRM setup modules (`<crm>/setup.ts`) share: building checks and reports,
 * the API-access check, and remembering why a provisioning step failed so the check it was
 * meant to fix says so.
 */
import { SystemError } from './errors';
import type { SetupCheck, SetupReport } from './system-api';

/** The name of the check every setup module starts with: whether the CRM's API answers at all. */
export const API_ACCESS = 'API access';

export const passed = (name: string, message: string): SetupCheck => ({ name, ok: true, message, fixable: false });
export const failed = (name: string, message: string, fixable: boolean): SetupCheck => ({ name, ok: false, message, fixable });

export const setupReport = (checks: SetupCheck[]): SetupReport => ({ ready: checks.every((c) => c.ok), checks });

/** A report with only the API-access check, failed: nothing else can be checked without the API. */
export function noApiAccess(vendor: string, err: unknown, fix: string): SetupReport {
  const detail = err instanceof SystemError ? `${err.code}: ${err.message}` : (err as Error).message;
  return setupReport([failed(API_ACCESS, `${vendor} refused or did not answer the API call (${detail}). ${fix}`, false)]);
}

/** Why provisioning steps failed, by the name of the check each was to fix. */
export class ProvisionProblems {
  private byCheck = new Map<string, string>();

  /** Runs one provisioning step; a failure is kept against `check` instead of ending provisioning. */
  async attempt(check: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (err) {
      const detail = err instanceof SystemError ? `${err.code}: ${err.message}` : (err as Error).message;
      this.byCheck.set(check, detail);
    }
  }

  /** The report again, each check still failing with the reason its step failed appended. */
  annotate(report: SetupReport): SetupReport {
    const checks = report.checks.map((c) => {
      const why = this.byCheck.get(c.name);
      return !c.ok && why ? { ...c, message: `${c.message} Provisioning tried and failed: ${why}` } : c;
    });
    return setupReport(checks);
  }
}

/** Whether a create failed only because the thing exists already (another provisioning got there first). */
export const alreadyExists = (err: unknown, codes: readonly string[]): boolean =>
  err instanceof SystemError && (codes.includes(err.code) || codes.some((c) => err.message.includes(c)) || err.errorClass === 'CONFLICT');
