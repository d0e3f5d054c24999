/**
 * Every way each CRM authenticates, as connection credentials (issue 16 item 2): which fields
 * go together per kind, each refusal naming its field and the fix, and none quoting a secret.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConnectionInputError } from '../../src/process/connections/connection-input';
import { checkCredentials, type CredentialsInput } from '../../src/process/connections/credentials-input';
import type { CrmKind } from '../../src/system';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const EC_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CLIENT = { clientId: 'cid', clientSecret: 'a-client-secret' };
const JWT = { clientId: 'cid', username: 'integration@example.com', privateKeyPem: PEM };
const PAT = 'pat-na1-0f1e2d3c-aaaa-bbbb-cccc-112233445566';

function refusal(kind: CrmKind, input: CredentialsInput): ConnectionInputError {
  try {
    checkCredentials(kind, input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectionInputError);
    return err as ConnectionInputError;
  }
  throw new Error('the credentials were accepted');
}

describe('accepted: each way each CRM authenticates', () => {
  it.each<[string, CrmKind, CredentialsInput, Record<string, string>]>([
    ['Salesforce refresh token', 'SALESFORCE', { ...CLIENT, refreshToken: ' rt ' }, { ...CLIENT, refreshToken: 'rt' }],
    ['Salesforce client credentials', 'SALESFORCE', CLIENT, CLIENT],
    ['Salesforce JWT bearer', 'SALESFORCE', JWT, JWT],
    ['Salesforce JWT bearer with a secret (it keys notifications)', 'SALESFORCE', { ...JWT, clientSecret: 's' }, { ...JWT, clientSecret: 's' }],
    ['HubSpot OAuth', 'HUBSPOT', { ...CLIENT, refreshToken: 'rt' }, { ...CLIENT, refreshToken: 'rt' }],
    ['HubSpot private app', 'HUBSPOT', { accessToken: PAT }, { accessToken: PAT }],
    ['Dynamics client credentials, default authority', 'DYNAMICS', { ...CLIENT, tenantId: 'contoso.onmicrosoft.com' }, { ...CLIENT, tenantId: 'contoso.onmicrosoft.com' }],
    ['Dynamics with its authority', 'DYNAMICS', { ...CLIENT, authorityUrl: 'https://login.microsoftonline.us/' }, { ...CLIENT, authorityUrl: 'https://login.microsoftonline.us' }],
  ])('%s', (_name, kind, input, stored) => {
    expect(checkCredentials(kind, input)).toEqual(stored);
  });
});

describe('refused: typed, naming the field and the fix, quoting no secret', () => {
  it.each<[string, CrmKind, CredentialsInput, string, RegExp]>([
    ['HubSpot OAuth without a refresh token', 'HUBSPOT', CLIENT, 'credentials.refreshToken', /need a refreshToken/],
    ['a JWT bearer without its key', 'SALESFORCE', { clientId: 'cid', username: 'u@example.com' }, 'credentials.privateKeyPem', /JWT bearer.*need a privateKeyPem/],
    ['a JWT bearer without the consumer key', 'SALESFORCE', { username: 'u@example.com', privateKeyPem: PEM }, 'credentials.clientId', /need a clientId/],
    ['a JWT bearer with a refresh token', 'SALESFORCE', { ...JWT, refreshToken: 'rt' }, 'credentials.refreshToken', /JWT bearer.*take no refreshToken/],
    ['a key that is no PEM', 'SALESFORCE', { ...JWT, privateKeyPem: 'not-a-key-SECRETVALUE' }, 'credentials.privateKeyPem', /PEM RSA private key/],
    ['an EC key (Salesforce signs RS256)', 'SALESFORCE', { ...JWT, privateKeyPem: EC_PEM }, 'credentials.privateKeyPem', /must be an RSA key/],
    ['a private-app token for Salesforce', 'SALESFORCE', { accessToken: PAT }, 'credentials.accessToken', /SALESFORCE credentials take no accessToken: SALESFORCE authenticates by OAuth client or JWT bearer/],
    ['a JWT bearer for HubSpot', 'HUBSPOT', JWT, 'credentials.privateKeyPem', /HUBSPOT credentials take no privateKeyPem/],
    ['a private-app token that is no pat-', 'HUBSPOT', { accessToken: 'CJSP-SECRETVALUE' }, 'credentials.accessToken', /private-app token \(pat-…\)/],
    ['a private-app token beside an OAuth client', 'HUBSPOT', { accessToken: PAT, clientId: 'cid' }, 'credentials.clientId', /private-app token.*take no clientId/],
    ['an authority for Salesforce', 'SALESFORCE', { ...CLIENT, authorityUrl: 'https://login.microsoftonline.com' }, 'credentials.authorityUrl', /take no authorityUrl/],
    ['an authority that is no URL', 'DYNAMICS', { ...CLIENT, authorityUrl: 'login.microsoftonline.com' }, 'credentials.authorityUrl', /http\(s\) URL/],
    ['Dynamics without a secret', 'DYNAMICS', { clientId: 'cid' }, 'credentials.clientSecret', /need a clientSecret/],
  ])('%s', (_name, kind, input, field, message) => {
    const err = refusal(kind, input);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    for (const secret of ['SECRETVALUE', PEM.split('\n')[1]!, EC_PEM.split('\n')[1]!, PAT, 'a-client-secret']) expect(err.message).not.toContain(secret);
  });
});
