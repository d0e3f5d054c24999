/**
 * "Connect a CRM" in Debian's headless Chromium (issue 16 acceptance), for each CRM against its
 * emulator: the dashboard's form, the emulator's consent page, Allow, back on the dashboard's
 * page for the new connection, whose first sync (Sync now) ends SUCCEEDED; and Deny, which lands
 * on a page saying access was denied, with no connection created. Screenshots go to artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startJunction, type RunningJunction } from '../../src/app';
import type { CrmKind, RunningEmulator } from '../../src/system';
import { openTestDatabase, resetDatabase } from '../support/database';
import { startCrmEmulator } from '../support/emulators';
import { inProcessConfig } from '../support/in-process-config';
import { FAST_RETRY } from '../support/sync-harness';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'jk_connect_test_admin_key_0123456789';
const ARTIFACTS = join(__dirname, '..', '..', 'artifacts');
const KINDS: CrmKind[] = ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'];
const TENANT = 'contoso.onmicrosoft.com';
const AUTHORIZE = { SALESFORCE: '/services/oauth2/authorize', HUBSPOT: '/oauth/authorize', DYNAMICS: `/${TENANT}/oauth2/v2.0/authorize` } as Record<CrmKind, string>;

let junction: RunningJunction;
let browser: Browser;
let page: Page;
const emulators = new Map<CrmKind, RunningEmulator>();

beforeAll(async () => {
  const db = await openTestDatabase();
  await resetDatabase(db);
  await db.close();
  // The CRMs are emulators of their own, fresh orgs without Junction's fields: the new connections are the only ones to each, and connecting provisions them.
  for (const kind of KINDS) emulators.set(kind, await startCrmEmulator(kind, 8, true));
  const config = inProcessConfig({ JUNCTION_EMULATORS: 'none', JUNCTION_ADMIN_KEY: ADMIN_KEY, JUNCTION_DATA_DIR: mkdtempSync(join(tmpdir(), 'junction-connect-')) });
  junction = await startJunction(config, { adapterDefaults: { retry: FAST_RETRY, timeoutMs: 5000 }, singleSessionDatabase: inject('embeddedDatabase') });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.goto(junction.url!);
  await page.fill('#api-key', ADMIN_KEY);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#connect-open:not([hidden])');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await junction?.close();
  await Promise.all([...emulators.values()].map((e) => e.close()));
});

/** Fills "Connect a CRM" for `kind` and continues to the emulator's consent page. */
async function toConsentPage(kind: CrmKind, name: string): Promise<void> {
  const url = emulators.get(kind)!.url;
  await page.click('#connect-open');
  await page.waitForSelector('#connect:not([hidden])');
  expect(await page.textContent('#connect-callback')).toBe(`${junction.url}/oauth/callback`);
  await page.selectOption('#connect-kind', kind);
  await page.fill('#connect-name', name);
  await page.fill('#connect-url', url);
  await page.fill('#connect-client-id', 'junction-sandbox');
  await page.fill('#connect-client-secret', 'sandbox-secret');
  if (kind === 'DYNAMICS') {
    await page.fill('#connect-tenant', TENANT);
    await page.fill('#connect-authority', url);
  }
  await page.screenshot({ path: join(ARTIFACTS, `connect-${kind.toLowerCase()}-form.png`) });
  await page.click('#connect-submit');
  await page.waitForURL((u) => u.href.startsWith(url + AUTHORIZE[kind]));
  await page.waitForSelector('button[value=allow]');
}

const named = async (name: string) => (await junction.connections.list()).filter((c) => c.name === name);

describe.skipIf(!existsSync(CHROMIUM))('Connect a CRM', () => {
  it.each(KINDS)('%s: consent page, Allow, the new connection, and its first sync succeeds', async (kind) => {
    const name = `${kind.toLowerCase()} by consent`;
    await toConsentPage(kind, name);
    await page.screenshot({ path: join(ARTIFACTS, `connect-${kind.toLowerCase()}-consent.png`) });
    await page.click('button[value=allow]');
    await page.waitForURL((u) => u.hash.startsWith('#connected='));
    await expect.poll(() => page.textContent('#connected-title')).toBe(`Connected: ${name}`);
    expect(await page.isHidden('#dashboard')).toBe(true);
    expect(await page.textContent('#connected-kind')).toBe(kind);
    const [made] = await named(name);
    expect(made?.kind).toBe(kind);
    expect(await page.getAttribute('#connected', 'data-connection-id')).toBe(made!.id);

    // Connecting provisioned the fresh org (autoProvision, on for an emulator): the page lists what is there.
    await expect.poll(() => page.getAttribute('#connected-setup', 'data-ready'), { timeout: 30_000 }).toBe('true');
    const checks = await page.$$eval('#connected-setup li', (items) => items.map((i) => ({ ok: i.className === 'setup-ok', text: i.textContent ?? '' })));
    expect(checks.length).toBeGreaterThan(1);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(await page.isHidden('#connected-provision')).toBe(true);

    await page.click('#connected-sync');
    await expect.poll(() => page.getAttribute('#connected-run', 'data-status'), { timeout: 60_000 }).toMatch(/SUCCEEDED|FAILED|PARTIAL|CANCELLED|INTERRUPTED/);
    expect(await page.textContent('#connected-run')).toBe('Sync: SUCCEEDED');
    await page.screenshot({ path: join(ARTIFACTS, `connect-${kind.toLowerCase()}-connected.png`) });
    await page.click('#connected a[href="#"]');
    await page.waitForSelector('#dashboard:not([hidden])');
  });

  it.each(KINDS)('%s: Deny lands on a page that says so, and nothing is created', async (kind) => {
    const name = `${kind.toLowerCase()} denied`;
    await toConsentPage(kind, name);
    await page.click('button[value=deny]');
    await page.waitForURL((u) => u.hash.startsWith('#connect-failed='));
    expect(await page.getAttribute('#connect-failed', 'data-reason')).toBe('DENIED');
    expect(await page.textContent('#connect-failed-title')).toContain('Access was denied');
    expect(await page.textContent('#connect-failed-message')).toContain('nothing was created');
    await page.screenshot({ path: join(ARTIFACTS, `connect-${kind.toLowerCase()}-denied.png`) });
    expect(await named(name)).toHaveLength(0);
    await page.click('#connect-failed a[href="#"]');
    await page.waitForSelector('#dashboard:not([hidden])');
  });
});
