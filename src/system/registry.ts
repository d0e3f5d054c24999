import type { CrmModule } from './crm-module';
import { dynamics } from './dynamics';
import { hubspot } from './hubspot';
import { salesforce } from './salesforce';
import type { CrmKind } from './system-api';

/** The CRMs Junction speaks. Adding one is a folder and a line here. */
const MODULES: Partial<Record<CrmKind, CrmModule>> = {
  SALESFORCE: salesforce,
  HUBSPOT: hubspot,
  DYNAMICS: dynamics,
};

export function crmModule(kind: CrmKind): CrmModule {
  const mod = MODULES[kind];
  if (!mod) throw new Error(`no adapter registered for ${kind}`);
  return mod;
}

export function registeredCrms(): CrmKind[] {
  return Object.keys(MODULES) as CrmKind[];
}
