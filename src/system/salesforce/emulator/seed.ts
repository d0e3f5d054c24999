/**
 * Demo people in Salesforce's shapes: prospects become Leads (company as text), customers
 * become Contacts under one Account per company. Values are kept as people typed them
 * (state names or codes, country codes, assorted phone formats) — or, in an org with state and
 * country picklists, picked from the lists as a person there must.
 */
import type { DemoPerson } from '../../demo-data/people';
import { addressInput } from './state-country';
import type { SObjectStore } from './store';

const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];

export function seedPeople(store: SObjectStore, people: DemoPerson[]): void {
  const accounts = new Map<string, string>();
  for (const acc of store.all('Account')) if (acc.IsDeleted !== true && typeof acc.Name === 'string') accounts.set(acc.Name, String(acc.Id));
  // Text as typed, or the picklist codes (Salesforce then fills the text with its names).
  const address = (prefix: string, p: DemoPerson) =>
    store.statePicklists ? addressInput(prefix, p.state, p.country) : { [`${prefix}State`]: p.state, [`${prefix}Country`]: p.country };
  for (const p of people) {
    const common = { FirstName: p.firstName, LastName: p.lastName, Email: p.email, Phone: p.phone, Title: p.title, LeadSource: LEAD_SOURCES[p.key % LEAD_SOURCES.length] };
    if (p.isLead) {
      must(store.create('Lead', { ...common, Company: p.company, Website: p.companyDomain, City: p.city, PostalCode: p.postalCode, ...address('', p) }), p);
      continue;
    }
    let accountId = accounts.get(p.company);
    if (!accountId) {
      accountId = must(store.create('Account', { Name: p.company, Website: p.companyDomain, BillingCity: p.city, ...address('Billing', p) }), p);
      accounts.set(p.company, accountId);
    }
    must(store.create('Contact', { ...common, AccountId: accountId, MailingCity: p.city, MailingPostalCode: p.postalCode, ...address('Mailing', p) }), p);
  }
}

function must(outcome: ReturnType<SObjectStore['create']>, p: DemoPerson): string {
  if (!outcome.ok) throw new Error(`seeding person ${p.key} failed: ${outcome.errors.map((e) => e.message).join('; ')}`);
  return outcome.id;
}
