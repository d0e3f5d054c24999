/** A quarantined partner record, retried with its fix: the partner pipeline again. */
import type { EntityManager } from 'typeorm';
import type { DetachedRetry } from '../quality/quarantine.service';
import { loadRules } from '../quality/rules';
import { applyPartnerRecord, type PartnerContact } from './partner-record';

export const retryPartnerRecord: DetachedRetry = async (m: EntityManager, _entry, payload) => {
  const result = await applyPartnerRecord(m, payload as PartnerContact, await loadRules(m), new Date());
  return { recordId: result.contactId ?? undefined, issues: result.issues };
};
