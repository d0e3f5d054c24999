/**
 * Issue 14 finding 4: SSRF through `baseUrl` and token endpoints. Redirects were followed (a
 * 307 re-POSTed the client secret and refresh token to another port), a token answer's
 * `instance_url` received the bearer token wherever it pointed, an ADMIN could point a
 * connection at internal addresses, and the first 200 characters of any answer reached
 * VIEWER-readable `syncErrors`. Each is sent here for real, against local HTTP servers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { crmModule, SystemError, type CrmKind } from '../../src/system';
import { hostProblem } from '../../src/system/transport/host-policy';
import { scrubVendorText } from '../../src/system/transport/vendor-text';
import { codes, gql, startHarness } from '../support/harness';
import { FAST_RETRY, startSyncHarness, type SyncHarness } from '../support/sync-harness';

const SECRETS = { clientId: 'hostile-client', clientSecret: 'cs-9f8e7d6c5b4a-secret', refreshToken: 'rt-1a2b3c4d5e6f-refresh' };
const ACCESS_TOKEN = 'at-0123456789abcdef-bearer';
const INTERNAL = 'INTERNAL-ADMIN-PAGE: root password hunter2';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

/** A local HTTP server that records what reaches it and answers with `handler`. */
async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
async function server(handler: Parameters<typeof listen>[0]) {
  const s = await listen(handler);
  servers.push(s.server);
  return s;
}

const tokenPaths: Record<CrmKind, RegExp> = { SALESFORCE: /\/services\/oauth2\/token$/, HUBSPOT: /\/oauth\/v1\/token$/, DYNAMICS: /\/oauth2\/v2\.0\/token$/ };
const adapterFor = (kind: CrmKind, baseUrl: string) => crmModule(kind).createAdapter({ baseUrl, credentials: SECRETS, retry: FAST_RETRY, timeoutMs: 3_000 });

function tokenAnswer(kind: CrmKind, selfUrl: string) {
  if (kind === 'SALESFORCE')
    return {
      access_token: ACCESS_TOKEN,
      instance_url: selfUrl,
      id: `${selfUrl}/id/00D5g000004XyZaEAK/0055g00000AbCdEAAB`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    };
  return { access_token: ACCESS_TOKEN, expires_in: 1800, token_type: 'bearer', ...(kind === 'HUBSPOT' ? { refresh_token: SECRETS.refreshToken } : {}) };
}

async function expectRefused(work: Promise<unknown>, errorClass: string, code: string) {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SystemError);
  expect({ errorClass: (err as SystemError).errorClass, code: (err as SystemError).code }).toEqual({ errorClass, code });
  return err as SystemError;
}

describe('redirects on credentialed calls', () => {
  for (const kind of ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'] as const) {
    it(`${kind}: a 307 from the token endpoint is refused, and the other port never sees the secret`, async () => {
      const other = await server((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
      const first = await server((req, _body, res) => res.writeHead(307, { location: `${other.url}${req.url}` }).end());
      const adapter = adapterFor(kind, first.url);
      const err = await expectRefused(adapter.refreshToken(), 'AUTHENTICATION', 'REDIRECT_REFUSED');
      expect(err.message).toContain(`redirecting to ${new URL(other.url).host}`);
      expect(first.seen).toHaveLength(1);
      expect(first.seen[0]!.body).toContain(encodeURIComponent(SECRETS.clientSecret));
      expect(other.seen).toEqual([]);
      await adapter.close();
    });

    it(`${kind}: an API call answered with a redirect is refused, and the bearer token goes nowhere else`, async () => {
      const other = await server((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
      const first = await server((req, _body, res) => {
        if (tokenPaths[kind].test(req.url ?? ''))
          return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokenAnswer(kind, first.url)));
        res.writeHead(302, { location: `${other.url}/collect` }).end();
      });
      const adapter = adapterFor(kind, first.url);
      const result = await adapter.testConnection();
      expect(result).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
      expect(result.message).toMatch(/REDIRECT|redirecting to/);
      expect(other.seen).toEqual([]);
      await adapter.close();
    });
  }
});

describe('the instance_url of a Salesforce token answer', () => {
  for (const foreign of ['https://attacker.example.net', 'https://login.salesforce.com.attacker.net', 'http://na1.my.salesforce.com']) {
    it(`is refused when it names ${foreign}, and no API call follows`, async () => {
      const login = await server((req, _body, res) => {
        if (tokenPaths.SALESFORCE.test(req.url ?? ''))
          return res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ...tokenAnswer('SALESFORCE', login.url), instance_url: foreign }));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
      const adapter = adapterFor('SALESFORCE', login.url);
      const err = await expectRefused(adapter.refreshToken(), 'AUTHENTICATION', 'FOREIGN_INSTANCE_URL');
      expect(err.message).toMatch(/instance_url is refused/);
      const result = await adapter.testConnection();
      expect(result).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
      expect(login.seen.every((s) => tokenPaths.SALESFORCE.test(s.url))).toBe(true);
      await adapter.close();
    });
  }

  it('is allowed when it is in the host family', () => {
    const policy = { hosts: ['*.salesforce.com', '*.force.com'], allowLoopback: false };
    expect(hostProblem('https://acme.my.salesforce.com', policy)).toBeUndefined();
    expect(hostProblem('https://acme--dev.sandbox.my.salesforce.com/', policy)).toBeUndefined();
    expect(hostProblem('https://salesforce.com.evil.net', policy)).toMatch(/not one of the allowed hosts/);
    expect(hostProblem('https://evilsalesforce.com', policy)).toMatch(/not one of the allowed hosts/);
    expect(hostProblem('http://127.0.0.1:4101', policy)).toMatch(/loopback/);
    expect(hostProblem('http://2130706433:4101', policy)).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(hostProblem('http://[::1]:4101', policy)).toMatch(/loopback/);
    expect(hostProblem('https://user:pw@acme.my.salesforce.com', policy)).toMatch(/user name or password/);
  });
});

describe('base URLs of connections', () => {
  const CREATE = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id baseUrl } }`;
  let sync: SyncHarness;
  beforeAll(async () => {
    sync = await startSyncHarness({ seed: 0, crms: ['HUBSPOT'] });
  });
  afterAll(async () => sync?.close());

  it('are checked on createConnection against the allow-list, loopback refused as in production', async () => {
    const production = new ConnectionService(sync.db.dataSource, new CredentialsCipher(generateMasterKey()), {
      hostPolicy: loadConfig({ NODE_ENV: 'production', JUNCTION_MASTER_KEY: 'a'.repeat(64), JUNCTION_EMULATORS: 'none' }).security.crmHosts,
    });
    const api = await startHarness(sync.db, { connections: production });
    const admin = await api.keyFor('ADMIN');
    const create = (kind: CrmKind, baseUrl: string) =>
      gql<{ createConnection: { id: string; baseUrl: string } }>(
        api.url,
        CREATE,
        { input: { name: `${kind} ${baseUrl}`, kind, baseUrl, credentials: SECRETS } },
        admin,
      );
    const refused: Array<[CrmKind, string, RegExp]> = [
      ['SALESFORCE', 'http://127.0.0.1:5432', /127\.0\.0\.1 is a loopback address/],
      ['HUBSPOT', 'http://localhost:6379', /localhost is a loopback address/],
      ['DYNAMICS', 'https://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is not one of the allowed hosts \(\*\.dynamics\.com\)/],
      ['SALESFORCE', 'https://10.0.0.7', /not one of the allowed hosts/],
      ['SALESFORCE', 'http://login.salesforce.com', /must be reached over https/],
      ['HUBSPOT', 'https://api.hubapi.com.attacker.net', /not one of the allowed hosts \(api\.hubapi\.com\)/],
      ['HUBSPOT', 'https://user:pw@api.hubapi.com', /must not carry credentials/], // the form check (connection-input.ts) answers before the host policy
    ];
    for (const [kind, baseUrl, why] of refused) {
      const res = await create(kind, baseUrl);
      expect([baseUrl, codes(res)]).toEqual([baseUrl, ['BAD_USER_INPUT']]);
      expect(res.body.errors![0]!.message).toMatch(why);
    }
    const ok = await create('SALESFORCE', 'https://login.salesforce.com');
    expect(ok.body.errors).toBeUndefined();
    expect((await create('DYNAMICS', 'https://acme.crm4.dynamics.com')).body.errors).toBeUndefined();
    const [{ n }] = (await sync.db.dataSource.query(
      `SELECT count(*)::int AS n FROM connections WHERE base_url LIKE '%127.0.0.1:5432%' OR base_url LIKE '%169.254%'`,
    )) as Array<{ n: number }>;
    expect(n).toBe(0);
    await api.close();
  });

  it('held to the policy at every call: a connection stored before it cannot reach an internal address', async () => {
    const internal = await server((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const [{ id }] = (await sync.db.dataSource.query(
      `INSERT INTO connections (name, kind, base_url, api_version, credentials_sealed) VALUES ('stored before the policy', 'HUBSPOT', $1, 'v3', $2) RETURNING id`,
      [internal.url, sync.cipher.encrypt(SECRETS)],
    )) as Array<{ id: string }>;
    const production = new ConnectionService(sync.db.dataSource, sync.cipher, { hostPolicy: { allowLoopback: false } });
    const result = await production.test(id!);
    expect(result).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
    expect(result.message).toMatch(/credentials are not sent there: 127\.0\.0\.1 is a loopback address/);
    expect(internal.seen).toEqual([]);
    await production.close();
  });

  it('and the loopback switch and host lists come from configuration with safe defaults', () => {
    expect(loadConfig({}).security.crmHosts).toEqual({ hosts: {}, allowLoopback: true });
    expect(loadConfig({ NODE_ENV: 'production', JUNCTION_MASTER_KEY: 'a'.repeat(64), JUNCTION_EMULATORS: 'none' }).security.crmHosts.allowLoopback).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', JUNCTION_CRM_ALLOW_LOOPBACK: 'false' }).security.crmHosts.allowLoopback).toBe(false);
    expect(
      loadConfig({ JUNCTION_CRM_HOSTS_HUBSPOT: 'api.hubapi.com, api-eu1.hubapi.com', JUNCTION_CRM_HOSTS_DYNAMICS: '*.crm4.dynamics.com' }).security.crmHosts
        .hosts,
    ).toEqual({
      HUBSPOT: ['api.hubapi.com', 'api-eu1.hubapi.com'],
      DYNAMICS: ['*.crm4.dynamics.com'],
    });
    expect(() => loadConfig({ JUNCTION_CRM_HOSTS_SALESFORCE: 'http://evil/,*' })).toThrow(
      /JUNCTION_CRM_HOSTS_SALESFORCE must be a comma-separated list of host names/,
    );
    expect(() => loadConfig({ JUNCTION_CRM_ALLOW_LOOPBACK: 'yes' })).toThrow(/JUNCTION_CRM_ALLOW_LOOPBACK must be true or false/);
  });

  it('whatever they answer reaches VIEWER-readable syncErrors without tokens, secrets, form bodies or page content', async () => {
    // One host echoes the token form back as text with an internal page; one answers JSON naming the secrets; one
    // grants a token and then answers API calls with the bearer token and internal content.
    const hostile = await server((req, body, res) => {
      if (req.url!.startsWith('/echo-form/')) return res.writeHead(400, { 'content-type': 'text/html' }).end(`<html>${INTERNAL} ${body}</html>`);
      if (req.url!.startsWith('/json-secrets/'))
        return res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({
              status: 'BAD_REFRESH_TOKEN',
              message: `refresh token ${SECRETS.refreshToken} and client_secret=${SECRETS.clientSecret} refused; form: ${body}`,
            }),
          );
      if (tokenPaths.HUBSPOT.test(req.url!)) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokenAnswer('HUBSPOT', '')));
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({
            status: 'error',
            message: `you sent ${req.headers.authorization} and ${ACCESS_TOKEN}, eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U`,
          }),
        );
    });
    const ids: string[] = [];
    for (const path of ['echo-form', 'json-secrets', 'api-echo']) {
      const { id } = await sync.connections.create({ name: `hostile ${path}`, kind: 'HUBSPOT', baseUrl: `${hostile.url}/${path}`, credentials: SECRETS });
      ids.push(id);
      await sync.runs.trigger(id, 'INCREMENTAL');
      await sync.worker.drain();
    }
    const api = await startHarness(sync.db);
    const viewer = await api.keyFor('VIEWER');
    const res = await gql<{ syncErrors: { edges: Array<{ node: { code: string; message: string; connection: { id: string } | null } }> } }>(
      api.url,
      `{ syncErrors(first: 50) { edges { node { code message connection { id } } } } }`,
      {},
      viewer,
    );
    await api.close();
    const mine = res.body.data!.syncErrors.edges.map((e) => e.node).filter((n) => n.connection && ids.includes(n.connection.id));
    console.log(mine.map((n) => `${n.code}: ${n.message}`).join('\n'));
    expect(new Set(mine.map((n) => n.connection!.id))).toEqual(new Set(ids));
    const text = JSON.stringify(mine);
    for (const secret of [
      SECRETS.clientSecret,
      SECRETS.refreshToken,
      ACCESS_TOKEN,
      encodeURIComponent(SECRETS.clientSecret),
      'INTERNAL-ADMIN-PAGE',
      'hunter2',
      'eyJhbGciOiJIUzI1NiJ9',
    ])
      expect(text, secret).not.toContain(secret);
    expect(text).toMatch(/not shown/);
    expect(text).toMatch(/\[redacted\]/);
  });
});

describe('scrubVendorText', () => {
  it('removes given secrets, bearer tokens, OAuth form and JSON fields and long opaque tokens, and bounds the length', () => {
    const text = scrubVendorText(
      `bad secret s3cr3t-value; Authorization: Bearer abc.def; grant_type=refresh_token&refresh_token=xyz&client_secret=shh {"access_token":"tok"} 00D5g000004XyZa!AQ4AQHxx.yy ${'Z'.repeat(60)}`,
      ['s3cr3t-value'],
    );
    expect(text).toBe(
      'bad secret [redacted]; Authorization: Bearer [redacted]; grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted] {"access_token":"[redacted]"} [redacted] [redacted]',
    );
    expect(scrubVendorText('word '.repeat(1000)).length).toBeLessThanOrEqual(501);
    expect(scrubVendorText('INVALID_EMAIL_ADDRESS: Email: invalid email address: ada@example', [])).toBe(
      'INVALID_EMAIL_ADDRESS: Email: invalid email address: ada@example',
    );
  });
});
