import { describe, expect, it } from 'vitest';
import { autoProvisionOf } from '../../src/process/connections/connection-input';

describe('autoProvision as it applies', () => {
  it('is on for an emulator (a loopback URL) and off for a real org unless a person chose', () => {
    expect(autoProvisionOf({}, 'http://127.0.0.1:4101')).toBe(true);
    expect(autoProvisionOf(null, 'http://localhost:4102')).toBe(true);
    expect(autoProvisionOf({}, 'https://acme.my.salesforce.com')).toBe(false);
    expect(autoProvisionOf({ autoProvision: false }, 'http://127.0.0.1:4101')).toBe(false);
    expect(autoProvisionOf({ autoProvision: true }, 'https://acme.crm.dynamics.com')).toBe(true);
    expect(autoProvisionOf({}, 'not a url')).toBe(false);
  });
});
