/**
 * The emulator fixture of every CRM, keyed by CRM kind. The adapter contract suite runs over
 * `registeredCrms()` and asks `fixtureFor` for each: a CRM registered without a fixture here
 * fails the suite (it is not skipped), so a new CRM cannot join without meeting the contract.
 */
import type { CrmKind } from '../../../src/system';
import { DYNAMICS_FIXTURE } from './dynamics';
import type { CrmFixture } from './fixture';
import { HUBSPOT_FIXTURE } from './hubspot';
import { SALESFORCE_FIXTURE } from './salesforce';

export type { CrmFixture } from './fixture';

const FIXTURES: Partial<Record<CrmKind, CrmFixture>> = {
  SALESFORCE: SALESFORCE_FIXTURE,
  HUBSPOT: HUBSPOT_FIXTURE,
  DYNAMICS: DYNAMICS_FIXTURE,
};

/** The fixture of a CRM, or undefined when none was written for it (the contract suite fails it). */
export function fixtureFor(kind: CrmKind): CrmFixture | undefined {
  return FIXTURES[kind];
}
