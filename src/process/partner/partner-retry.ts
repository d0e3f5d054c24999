/**
 * A quarantined partner record, retried with its fix: a partner page of one record. Its entry
 * is settled by the quarantine service (resolved, or pending with the new issues), so the page
 * files no entry of its own and announces nothing.
 */
import type { EntityManager } from 'typeorm';
import { NO_EVENTS } from '../events';
import type { DetachedRetry } from '../quality/quarantine.service';
import { loadRules } from '../quality/rules';
import { applyPartnerPage, type PartnerContact } from './partner-page';

export const retryPartnerRecord: DetachedRetry = async (m: EntityManager, _entry, payload) => {
  const [result] = await applyPartnerPage(m, [payload as PartnerContact], { rules: await loadRules(m), at: new Date(), events: NO_EVENTS, fileQuarantine: false });
  return { recordId: result!.contactId ?? undefined, issues: result!.issues };
};
