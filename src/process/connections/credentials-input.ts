/**
 * Credentials as a person gives them, checked before they are sealed: which of the ways its
 * CRM authenticates they are (the descriptor's `credentials`), and that each field that way
 * needs is there and no other is. Problems name the input field and never quote a value.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { crmModule, type ConnectionCredentials, type CredentialFieldRule, type CredentialMethod, type CrmKind } from '../../system';
import { checkUrl, ConnectionInputError } from './connection-input';

/** Credentials as a person gives them: the fields of every way a CRM authenticates, each optional here (checkCredentials decides). */
export interface CredentialsInput {
  clientId?: string | null;
  clientSecret?: string | null;
  refreshToken?: string | null;
  tenantId?: string | null;
  username?: string | null;
  privateKeyPem?: string | null;
  accessToken?: string | null;
  authorityUrl?: string | null;
}

/**
 * The credentials a CRM's token grant needs, as one of the ways it authenticates (its
 * descriptor's `credentials.methods`): a private-app `accessToken`, a JWT bearer
 * (`username` + `privateKeyPem`), else an OAuth client (id and secret, and the optional fields
 * its descriptor allows). Which way is meant follows from the fields given; a field the way does
 * not use is refused, so a mix-up is said rather than ignored. Messages never quote a value.
 */
export function checkCredentials(kind: CrmKind, input: CredentialsInput): ConnectionCredentials {
  const rules = crmModule(kind).descriptor.credentials;
  const methods = rules.methods ?? ['OAUTH_CLIENT'];
  const given = (field: keyof CredentialsInput): string | undefined => (field === 'privateKeyPem' || field === 'clientSecret' ? input[field] || undefined : input[field]?.trim() || undefined);
  const method: CredentialMethod = given('accessToken') ? 'PRIVATE_APP_TOKEN' : given('privateKeyPem') || given('username') ? 'JWT_BEARER' : 'OAUTH_CLIENT';
  if (!methods.includes(method)) throw new ConnectionInputError(`credentials.${METHOD_FIELD[method]}`, `${kind} credentials take no ${METHOD_FIELD[method]}: ${kind} authenticates by ${methods.map((m) => METHOD_NAME[m]).join(' or ')}`);
  const fields = METHOD_FIELDS[method](rules);
  for (const field of Object.keys(FIELD_NAMES) as Array<keyof CredentialsInput>) {
    const rule = fields[field] ?? 'unsupported';
    const value = given(field);
    if (!value && rule === 'required') throw new ConnectionInputError(`credentials.${field}`, `${kind} credentials (${METHOD_NAME[method]}) need a ${field}`);
    if (value && rule === 'unsupported') throw new ConnectionInputError(`credentials.${field}`, `${kind} credentials (${METHOD_NAME[method]}) take no ${field}`);
  }
  const out: ConnectionCredentials = {};
  for (const field of Object.keys(FIELD_NAMES) as Array<keyof CredentialsInput>) {
    const value = given(field);
    if (value) out[field] = value;
  }
  if (out.privateKeyPem) checkPrivateKey(out.privateKeyPem);
  if (out.accessToken && !/^pat-[a-z0-9]+-[\w-]+$/i.test(out.accessToken))
    throw new ConnectionInputError('credentials.accessToken', 'credentials.accessToken must be a HubSpot private-app token (pat-…); copy it from the private app\'s Auth tab');
  if (out.authorityUrl) out.authorityUrl = checkUrl('credentials.authorityUrl', out.authorityUrl);
  return out;
}

const FIELD_NAMES: Record<keyof CredentialsInput, true> = { clientId: true, clientSecret: true, refreshToken: true, tenantId: true, username: true, privateKeyPem: true, accessToken: true, authorityUrl: true };
type FieldRules = Partial<Record<keyof CredentialsInput, CredentialFieldRule>>;
type CredentialRules = ReturnType<typeof crmModule>['descriptor']['credentials'];

/** Per way of authenticating, which fields it needs and takes (the client secret of the other ways keys change notifications only). */
const METHOD_FIELDS: Record<CredentialMethod, (rules: CredentialRules) => FieldRules> = {
  OAUTH_CLIENT: (rules) => ({ clientId: 'required', clientSecret: 'required', refreshToken: rules.refreshToken, tenantId: rules.tenantId, authorityUrl: rules.authorityUrl ? 'optional' : 'unsupported' }),
  JWT_BEARER: () => ({ clientId: 'required', username: 'required', privateKeyPem: 'required', clientSecret: 'optional' }),
  PRIVATE_APP_TOKEN: () => ({ accessToken: 'required', clientSecret: 'optional' }),
};
const METHOD_FIELD: Record<CredentialMethod, keyof CredentialsInput> = { OAUTH_CLIENT: 'clientId', JWT_BEARER: 'privateKeyPem', PRIVATE_APP_TOKEN: 'accessToken' };
const METHOD_NAME: Record<CredentialMethod, string> = { OAUTH_CLIENT: 'OAuth client', JWT_BEARER: 'JWT bearer', PRIVATE_APP_TOKEN: 'private-app token' };

/** A JWT-bearer key must be an RSA private key Node can sign with; the message never quotes it. */
function checkPrivateKey(pem: string): void {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConnectionInputError('credentials.privateKeyPem', 'credentials.privateKeyPem must be a PEM RSA private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----), the one whose certificate is uploaded to the connected app');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new ConnectionInputError('credentials.privateKeyPem', `credentials.privateKeyPem must be an RSA key (Salesforce signs JWT bearer assertions with RS256), not ${key.asymmetricKeyType ?? 'another kind'}`);
}
