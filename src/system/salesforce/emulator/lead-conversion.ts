/**
 * Lead conversion as Salesforce does it (crm-wire.md §1.6): an Account and a Contact are
 * created from the Lead (or given ones filled where empty), and the Lead is marked converted
 * with links to both; later updates to that Lead fail with CANNOT_UPDATE_CONVERTED_LEAD.
 */
import { formatSfDate } from '../dates';
import type { Org } from './org';
import type { SRecord } from './store';

export interface ConvertRequest {
  leadId: string;
  convertedStatus: string;
  accountId?: string;
  contactId?: string;
}

export type ConvertResult = { success: true; leadId: string; accountId: string; contactId: string } | { success: false; leadId: string; statusCode: string; message: string };

const CONTACT_FROM_LEAD: Record<string, string> = {
  FirstName: 'FirstName', LastName: 'LastName', Email: 'Email', Phone: 'Phone', Title: 'Title', MobilePhone: 'MobilePhone',
  City: 'MailingCity', State: 'MailingState', Country: 'MailingCountry', PostalCode: 'MailingPostalCode', Street: 'MailingStreet', LeadSource: 'LeadSource',
};

export function convertLead(org: Org, req: ConvertRequest): ConvertResult {
  const fail = (statusCode: string, message: string): ConvertResult => ({ success: false, leadId: req.leadId, statusCode, message });
  const lead = org.store.get('Lead', req.leadId);
  if (!lead || lead.IsDeleted === true) return fail('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
  if (lead.IsConverted === true) return fail('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead');
  const accountId = req.accountId ?? created(org.store.create('Account', { Name: lead.Company ?? `${String(lead.LastName ?? '')} Account` }));
  if (!accountId) return fail('REQUIRED_FIELD_MISSING', 'the account could not be created from the lead');
  const fromLead: Record<string, unknown> = { AccountId: accountId };
  for (const [leadField, contactField] of Object.entries(CONTACT_FROM_LEAD)) if (lead[leadField] !== null && lead[leadField] !== undefined) fromLead[contactField] = lead[leadField];
  let contactId = req.contactId;
  if (contactId) {
    // Merging into an existing contact fills only its empty fields.
    const existing = org.store.get('Contact', contactId);
    if (!existing) return fail('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
    const fill = Object.fromEntries(Object.entries(fromLead).filter(([k]) => existing[k] === null || existing[k] === undefined || existing[k] === ''));
    if (Object.keys(fill).length) org.store.update('Contact', contactId, fill);
  } else {
    contactId = created(org.store.create('Contact', fromLead));
    if (!contactId) return fail('REQUIRED_FIELD_MISSING', 'the contact could not be created from the lead');
  }
  const converted: SRecord = {
    IsConverted: true,
    Status: req.convertedStatus,
    ConvertedDate: formatSfDate(org.clock.now()),
    ConvertedAccountId: accountId,
    ConvertedContactId: contactId,
    ConvertedOpportunityId: null,
  };
  org.store.systemUpdate('Lead', String(lead.Id), converted);
  return { success: true, leadId: String(lead.Id), accountId, contactId };
}

function created(outcome: { ok: boolean; id?: string }): string | undefined {
  return outcome.ok ? outcome.id : undefined;
}
