/** Stores demo people as HubSpot would hold them: contacts, their companies, and the links. */
import type { DemoPerson } from '../../demo-data/people';
import { ASSOCIATION_TYPES } from '../descriptor';
import type { HubspotState } from './state';
import type { StoredRecord } from './store';
import { isFailure } from './validate';

export function seedPeople(state: HubspotState, people: DemoPerson[]): void {
  const { contacts, companies } = state.stores;
  for (const person of people) {
    let company = companies.live().find((c) => (c.body.properties as Record<string, unknown>)?.domain === person.companyDomain);
    if (!company) company = must(companies.create({ name: person.company, domain: person.companyDomain }));
    const properties = {
      email: person.email,
      firstname: person.firstName,
      lastname: person.lastName,
      phone: person.phone,
      jobtitle: person.title,
      company: person.company,
      city: person.city,
      state: person.state,
      country: person.country,
      zip: person.postalCode,
      lifecyclestage: person.isLead ? 'lead' : 'customer',
    };
    const existing = contacts.findBy('email', person.email);
    const contact = must(existing ? contacts.update(existing, properties) : contacts.create(properties));
    state.associations.add({ object: 'contacts', id: contact.key }, { object: 'companies', id: company.key }, [
      ASSOCIATION_TYPES.contactToCompany,
      ASSOCIATION_TYPES.contactToCompanyPrimary,
    ]);
  }
}

function must(result: ReturnType<HubspotState['stores']['contacts']['create']>): StoredRecord {
  if (isFailure(result)) throw new Error(`seeding failed: ${result.message}`);
  return result;
}
