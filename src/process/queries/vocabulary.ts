/**
 * System-tier names the API shows (CRM kinds, error classes), re-exported so the
 * experience tier depends on the process tier only.
 */
import { ERROR_CLASSES, registeredCrms, type CrmKind, type ErrorClass } from '../../system';

export { ERROR_CLASSES, type CrmKind, type ErrorClass };

/** Every CRM the model knows, whether or not an adapter is registered for it yet. */
export const CRM_KINDS = ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'] as const satisfies readonly CrmKind[];

/** CRMs a connection can be created for right now: those with a registered adapter. */
export const supportedCrmKinds = (): CrmKind[] => registeredCrms();
