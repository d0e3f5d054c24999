/** Stores demo people as Dataverse would hold them: accounts, and contacts whose parent customer is the account. */
import type { DemoPerson } from '../../demo-data/people';
import type { DataverseState } from './state';

export function seedPeople(state: DataverseState, people: DemoPerson[]): void {
  const { contacts, accounts } = state.stores;
  for (const person of people) {
    const account =
      accounts.findBy('websiteurl', person.companyDomain) ??
      accounts.create({ name: person.company, websiteurl: person.companyDomain, address1_country: person.country });
    const values = {
      firstname: person.firstName,
      lastname: person.lastName,
      emailaddress1: person.email,
      telephone1: person.phone,
      jobtitle: person.title,
      address1_city: person.city,
      address1_stateorprovince: person.state,
      address1_country: person.country,
      address1_postalcode: person.postalCode,
      _parentcustomerid_value: account.key,
    };
    const existing = contacts.findBy('emailaddress1', person.email);
    if (existing) contacts.update(existing, values);
    else contacts.create(values);
  }
}
