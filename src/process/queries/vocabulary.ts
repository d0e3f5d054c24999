/**
 * System-tier names the API shows (CRM kinds, error classes), re-exported so the
 * experience tier depends on the process tier only.
 */
import { crmModule, ERROR_CLASSES, registeredCrms, type CrmDescriptor, type CrmKind, type ErrorClass } from '../../system';

export { ERROR_CLASSES, type CrmDescriptor, type CrmKind, type ErrorClass };

/** The registered CRMs (src/system/registry.ts), in listing order: what a connection can be made for. */
export const supportedCrmKinds = (): CrmKind[] => registeredCrms();

/** The registered CRMs' descriptors, in listing order (the API's documentation is written from them). */
export const supportedCrms = (): CrmDescriptor[] => registeredCrms().map((kind) => crmModule(kind).descriptor);
