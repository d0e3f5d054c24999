/**
 * The emulator fixture of every CRM, keyed by CRM kind: what the adapter contract suite checks
 * each vendor's adapter against (crm-wire.md §6). The suite runs over `registeredCrms()` and a
 * CRM registered without an entry here fails it (it is not skipped), so a new CRM cannot join
 * without meeting the contract. Vendor helpers for the wire tests are in crms/<crm>.ts.
 */
import type { CrmKind } from '../../../src/system';
import { SANDBOX } from '../emulators';
import { SANDBOX as DYNAMICS_SANDBOX } from './dynamics';
import type { CrmFixture } from './fixture';

export type { CrmFixture } from './fixture';

// Dataverse answers a spent allowance with its request-limit 429 (it has no daily quota).
const DATAVERSE_REQUEST_LIMIT = '0x80072322';

const FIXTURES: Partial<Record<CrmKind, CrmFixture>> = {
  SALESFORCE: {
    credentials: SANDBOX,
    apiVersion: '59.0',
    contactType: 'Contact',
    fields: ['FirstName', 'LastName', 'Email', 'Title'],
    emailField: 'Email',
    valid: (n) => ({ FirstName: 'Ada', LastName: `Lovelace${n}`, Email: `ada${n}@analytical.example.com` }),
    invalid: { FirstName: 'No', Email: 'no-last-name@example.com' },
    update: ['Title', 'Countess'],
    refusal: 'invalid_grant',
    // A two-hour session.
    tokenLifetimeMs: [7_100_000, 7_200_000],
    refreshesAhead: false,
    badCredentials: { credentials: { ...SANDBOX, refreshToken: 'revoked' }, code: 'invalid_grant', message: 'expired access/refresh token' },
    quota: { retried: false, error: { errorClass: 'RATE_LIMIT', code: 'QUOTA_EXHAUSTED', details: { status: 403 } } },
    rateLimitCode: 'REQUEST_LIMIT_EXCEEDED',
    serverCode: 'SERVER_UNAVAILABLE',
    // /limits and Sforce-Limit-Info: 15,000 calls a day.
    usage: { fault: { quotaRemaining: 1000 }, first: { used: 14_001, limit: 15_000 }, afterOneCall: { used: 14_002, limit: 15_000 }, fromHeaders: false },
  },
  HUBSPOT: {
    credentials: SANDBOX,
    apiVersion: 'v3',
    contactType: 'contacts',
    fields: ['firstname', 'lastname', 'email', 'jobtitle'],
    emailField: 'email',
    valid: (n) => ({ firstname: 'Ada', lastname: `Lovelace${n}`, email: `ada${n}@analytical.example.com` }),
    invalid: { firstname: 'Bad', email: 'not an email' },
    update: ['jobtitle', 'Countess'],
    refusal: 'BAD_REFRESH_TOKEN',
    tokenLifetimeMs: [29 * 60_000, 30 * 60_000],
    refreshesAhead: true,
    badCredentials: { credentials: { ...SANDBOX, refreshToken: 'revoked' }, code: 'BAD_REFRESH_TOKEN', message: '' },
    // The ten-secondly limit is retried; the DAILY quota is not.
    quota: { retried: false, error: { errorClass: 'RATE_LIMIT', code: 'QUOTA_EXHAUSTED' } },
    rateLimitCode: 'TEN_SECONDLY_ROLLING',
    serverCode: 'SERVICE_UNAVAILABLE',
    // The daily rate-limit headers: 250,000 a day.
    usage: { fault: { quotaRemaining: 1000 }, first: { used: 249_001, limit: 250_000 }, afterOneCall: { used: 249_002, limit: 250_000 }, fromHeaders: true },
  },
  DYNAMICS: {
    // Client credentials against a tenant: Dataverse has no refresh token.
    credentials: DYNAMICS_SANDBOX,
    apiVersion: '9.2',
    contactType: 'contacts',
    fields: ['firstname', 'lastname', 'emailaddress1', 'jobtitle'],
    emailField: 'emailaddress1',
    valid: (n) => ({ firstname: 'Ada', lastname: `Lovelace${n}`, emailaddress1: `ada${n}@analytical.example.com` }),
    invalid: { firstname: 'No', emailaddress1: 'no-last-name@example.com' },
    update: ['jobtitle', 'Countess'],
    refusal: 'invalid_grant',
    // An hour-long client-credentials token.
    tokenLifetimeMs: [59 * 60_000, 3599_000],
    refreshesAhead: false,
    badCredentials: { credentials: { ...DYNAMICS_SANDBOX, clientSecret: 'wrong-secret-value' }, code: 'invalid_client', message: 'AADSTS7000215' },
    quota: { retried: true, error: { errorClass: 'RATE_LIMIT', code: DATAVERSE_REQUEST_LIMIT, details: { status: 429, retryAfterMs: 5000 } } },
    rateLimitCode: DATAVERSE_REQUEST_LIMIT,
    serverCode: '0x80040216',
    // The x-ms-ratelimit headers, against 6,000 requests per 5 minutes.
    usage: { first: { used: 1, limit: 6000 }, afterOneCall: { used: 2, limit: 6000 }, fromHeaders: true },
  },
};

/** The fixture of a CRM, or undefined when none was written for it (the contract suite fails it). */
export function fixtureFor(kind: CrmKind): CrmFixture | undefined {
  return FIXTURES[kind];
}
