/** The Dynamics mapping profile: contacts ↔ unified contacts, accounts ↔ unified companies. */
import { describe, expect, it } from 'vitest';
import { domainOf } from '../../../src/process/mapping/dynamics/company.mapper';
import { mapperFor, mappingProfile } from '../../../src/process/mapping/registry';

describe('Dynamics mapping profile', () => {
  const contact = mapperFor('DYNAMICS', 'contacts');
  const company = mapperFor('DYNAMICS', 'accounts');

  it('is registered and creates contacts and accounts', () => {
    const profile = mappingProfile('DYNAMICS');
    expect(profile.createAs('CONTACT', { values: {} })).toBe('contacts');
    expect(profile.createAs('COMPANY', { values: {} })).toBe('accounts');
    expect(contact.kind).toBe('CONTACT');
    expect(company.kind).toBe('COMPANY');
  });

  it('requests only mapped columns, the parent account lookup value included and no write-only bind', () => {
    expect(contact.remoteFields).toEqual(
      expect.arrayContaining(['emailaddress1', 'firstname', 'lastname', 'telephone1', 'jobtitle', 'address1_city', 'address1_stateorprovince', 'address1_country', 'address1_postalcode', '_parentcustomerid_value']),
    );
    expect(contact.remoteFields.some((f) => f.includes('@'))).toBe(false);
    expect(company.remoteFields.sort()).toEqual(['address1_country', 'name', 'websiteurl']);
  });

  it('reads a contact with its account as a company reference, and no lifecycle stage (Dataverse keeps none on a contact)', () => {
    const { record, issues } = contact.toUnified({
      contactid: 'c1',
      emailaddress1: 'ada@acme.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      telephone1: '+44 20 7946 0000',
      address1_city: 'London',
      address1_postalcode: '',
      _parentcustomerid_value: 'a-guid',
    });
    expect(issues).toEqual([]);
    expect(record).toMatchObject({
      kind: 'CONTACT',
      values: { email: 'ada@acme.com', firstName: 'Ada', lastName: 'Lovelace', phone: '+44 20 7946 0000', city: 'London', postalCode: null },
      company: { remoteType: 'accounts', remoteId: 'a-guid' },
    });
    expect(record.values).not.toHaveProperty('lifecycleStage');
  });

  it('writes a contact, binding the linked account through @odata.bind', () => {
    const out = contact.toRemote({ values: { email: 'ada@acme.com', lastName: 'Lovelace', title: null, lifecycleStage: 'LEAD' }, company: { name: 'Acme', remoteId: 'a-guid' } });
    expect(out).toEqual({ emailaddress1: 'ada@acme.com', lastname: 'Lovelace', jobtitle: null, 'parentcustomerid_account@odata.bind': '/accounts(a-guid)' });
    expect(contact.toRemote({ values: { lastName: 'X' }, company: { name: 'Unlinked' } })).toEqual({ lastname: 'X' });
  });

  it('maps accounts, turning the website URL into a domain and the country code into its name', () => {
    const { record } = company.toUnified({ name: 'Acme', websiteurl: 'https://www.Acme.com/about', address1_country: 'US' });
    expect(record).toMatchObject({ kind: 'COMPANY', values: { name: 'Acme', domain: 'acme.com', country: 'US' } });
    expect(company.toRemote({ values: { name: 'Acme', domain: 'acme.com', country: 'US' } })).toEqual({ name: 'Acme', websiteurl: 'acme.com', address1_country: 'United States' });
    expect(domainOf(null)).toBeNull();
    expect(domainOf('http://')).toBeNull();
    expect(domainOf('acme.com')).toBe('acme.com');
  });
});
