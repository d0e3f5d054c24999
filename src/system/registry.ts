/**
 * The one list of CRMs Junction speaks. Everything else that names the CRMs derives from it:
 * the `CrmKind` type, the GraphQL enum, the per-CRM configuration, the lint rule's vendor
 * folders and the check of stored connections at start-up. Adding a CRM is its folder under
 * src/system/, its mapping folder under src/process/mapping/, and one line here (and one there).
 */
import type { CrmModule } from './crm-module';
import { dynamics } from './dynamics';
import { hubspot } from './hubspot';
import { salesforce } from './salesforce';

/** The built-in CRMs, in the order the API lists them: one line each. */
const BUILT_IN = {
  SALESFORCE: salesforce,
  HUBSPOT: hubspot,
  DYNAMICS: dynamics,
};

/** A CRM Junction knows: the built-in kinds (one registered at run time by a test is cast to it). */
export type CrmKind = keyof typeof BUILT_IN;

// Registration order is the listing order; tests may add a CRM (registerCrm) before they start Junction.
const modules = new Map<CrmKind, CrmModule>();

/** Makes a CRM module known under its descriptor's kind; a kind registers once. */
export function registerCrm(module: CrmModule): void {
  const kind = module.descriptor.kind;
  // The kind names a GraphQL enum value and an environment variable (JUNCTION_CRM_HOSTS_<KIND>).
  if (!/^[A-Z][A-Z0-9_]*$/.test(kind)) throw new Error(`a CRM kind is an upper-case name such as SALESFORCE, not ${kind}`);
  if (modules.has(kind)) throw new Error(`${kind} is registered already`);
  modules.set(kind, module);
}

for (const [kind, module] of Object.entries(BUILT_IN)) {
  if (module.descriptor.kind !== kind) throw new Error(`the ${kind} registry line holds the ${module.descriptor.kind} module`);
  registerCrm(module);
}

export function crmModule(kind: CrmKind): CrmModule {
  const mod = modules.get(kind);
  if (!mod) throw new Error(`no adapter registered for ${kind}`);
  return mod;
}

export function registeredCrms(): CrmKind[] {
  return [...modules.keys()];
}

/** Whether a name read from outside (a stored row, the environment) is a registered CRM. */
export function isRegisteredCrm(kind: string): kind is CrmKind {
  return modules.has(kind as CrmKind);
}
