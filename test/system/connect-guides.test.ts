/**
 * The guides docs/connect-*.md (issue 16 item 6) against what Junction and the emulators do:
 * each names the callback path Junction serves, the scopes Junction asks for by default, the
 * fields its descriptor relies on and the objects they go on, the emulator's sandbox app, and
 * the consent path the emulator answers with its consent page for that app.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmModule, type CrmKind, type RunningEmulator } from '../../src/system';
import { SALESFORCE_DEFAULT_SCOPES } from '../../src/system/salesforce/consent';
import { HUBSPOT_DEFAULT_SCOPES } from '../../src/system/hubspot/consent';
import { SANDBOX } from '../../src/system/salesforce/emulator/routes-oauth';
import { pkcePair } from '../support/consent';
import { startCrmEmulator } from '../support/emulators';

interface GuideFacts {
  scopes: readonly string[];
  /** Where the guide says the consent page is, and a path of that form to ask the emulator. */
  consentPath: string;
  askAt: string;
  objects: string[];
}

const FACTS: Record<string, GuideFacts> = {
  SALESFORCE: { scopes: SALESFORCE_DEFAULT_SCOPES, consentPath: '/services/oauth2/authorize', askAt: '/services/oauth2/authorize', objects: ['Lead', 'Contact', 'Account'] },
  HUBSPOT: { scopes: HUBSPOT_DEFAULT_SCOPES, consentPath: '/oauth/authorize', askAt: '/oauth/authorize', objects: ['contacts', 'companies'] },
  DYNAMICS: { scopes: ['user_impersonation', 'offline_access', '/.default'], consentPath: '/{tenant}/oauth2/v2.0/authorize', askAt: '/contoso.onmicrosoft.com/oauth2/v2.0/authorize', objects: ['contact', 'account'] },
};
const KINDS = Object.keys(FACTS) as CrmKind[];
const guide = (kind: CrmKind) => readFileSync(join(__dirname, '..', '..', 'docs', `connect-${kind.toLowerCase()}.md`), 'utf8');
const emulators = new Map<CrmKind, RunningEmulator>();

beforeAll(async () => {
  for (const kind of KINDS) emulators.set(kind, await startCrmEmulator(kind));
});
afterAll(async () => {
  await Promise.all([...emulators.values()].map((e) => e.close()));
});

describe.each(KINDS)('docs/connect-%s.md', (kind) => {
  const facts = FACTS[kind]!;

  it('names the callback, the default scopes, the sandbox app and the removal steps', () => {
    const text = guide(kind);
    expect(text).toContain('<JUNCTION_PUBLIC_URL>/oauth/callback');
    expect(text).toContain('http://localhost:4000/oauth/callback');
    for (const scope of facts.scopes) expect(text, scope).toContain(scope);
    expect(text).toContain(SANDBOX.clientId);
    expect(text).toContain(SANDBOX.clientSecret);
    expect(text).toContain('## 5. Removing Junction');
    expect(text).toContain('deleteConnection');
  });

  it("names the descriptor's external-id and flag fields and the objects they go on", () => {
    const text = guide(kind);
    const { externalIdField, deletedFlagField } = crmModule(kind).descriptor;
    expect(text).toContain(`\`${externalIdField}\``);
    expect(text).toContain(`\`${deletedFlagField}\``);
    for (const object of facts.objects) expect(text, object).toContain(`**${object}**`);
  });

  it('names the consent path the emulator serves its consent page at', async () => {
    expect(guide(kind)).toContain(facts.consentPath);
    const url = new URL(emulators.get(kind)!.url + facts.askAt);
    const params = { response_type: 'code', client_id: SANDBOX.clientId, redirect_uri: 'http://localhost:4000/oauth/callback', state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('>Allow</button>');
  });
});
