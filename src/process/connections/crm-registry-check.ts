/**
 * Start-up's check of the CRM registry: every registered CRM has a mapping profile (and every
 * profile a CRM), and every stored connection is of a registered CRM. The database keeps no
 * list of kinds, so a connection of a CRM this build no longer (or not yet) registers is found
 * here, before a run or the API meets it.
 */
import { isRegisteredCrm, registeredCrms } from '../../system';
import { mappingProfileProblems } from '../mapping/registry';
import { storedConnectionKinds } from '../store/connection-kinds.read-model';
import type { Queryable } from '../store/queryable';

/** Junction cannot start on this registry and store; `problems` names each mismatch, `unregisteredKinds` the stored kinds no CRM is registered for. */
export class CrmRegistryError extends Error {
  override readonly name = 'CrmRegistryError';
  constructor(
    readonly problems: string[],
    readonly unregisteredKinds: string[] = [],
  ) {
    super(`Junction cannot start: ${problems.join('; ')}`);
  }
}

export async function checkCrmRegistry(db: Queryable): Promise<void> {
  const unregistered = (await storedConnectionKinds(db)).filter((s) => !isRegisteredCrm(s.kind));
  const problems = [
    ...mappingProfileProblems(),
    ...unregistered.map((s) => `stored connection(s) ${s.names.map((n) => JSON.stringify(n)).join(', ')} are of ${s.kind}, which is no registered CRM (registered: ${registeredCrms().join(', ')})`),
  ];
  if (problems.length > 0) throw new CrmRegistryError(problems, unregistered.map((s) => s.kind));
}
