/**
 * The dashboard in Debian's headless Chromium (playwright-core, no downloaded browser)
 * against a real Junction (emulators, worker, health monitor): sign in, live numbers, a
 * quarantined record in the list (and its retry, when the server offers it), then faults
 * injected into the Salesforce emulator turn its tile red and raise an alert within 10 s, and
 * the errors-by-class tile counts the failed calls.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startJunction, type RunningJunction } from '../../src/app';
import { openTestDatabase, resetDatabase } from '../support/database';
import { inProcessConfig } from '../support/in-process-config';
import { FAST_RETRY } from '../support/sync-harness';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'jk_dashboard_test_admin_key_0123456789';
const ARTIFACTS = join(__dirname, '..', '..', 'artifacts');

let junction: RunningJunction;
let browser: Browser;
let page: Page;
let sfId: string;

beforeAll(async () => {
  const db = await openTestDatabase();
  await resetDatabase(db);
  await db.close();
  const config = inProcessConfig({
    JUNCTION_EMULATORS: 'salesforce,hubspot',
    JUNCTION_SEED: '15',
    JUNCTION_ADMIN_KEY: ADMIN_KEY,
    JUNCTION_DATA_DIR: mkdtempSync(join(tmpdir(), 'junction-dashboard-')),
  });
  junction = await startJunction(config, { randomEmulatorPorts: true, adapterDefaults: { retry: FAST_RETRY, timeoutMs: 3000 }, singleSessionDatabase: inject('embeddedDatabase') });
  sfId = (await junction.connections.list()).find((c) => c.kind === 'SALESFORCE')!.id;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await junction?.close();
});

const tile = (id: string) => page.locator(`.tile[data-connection-id="${id}"]`);

describe.skipIf(!existsSync(CHROMIUM))('dashboard', () => {
  it('refuses a wrong key, then signs in and shows live numbers', async () => {
    await page.goto(junction.url!);
    await page.fill('#api-key', 'jk_wrong_key_wrong_key_wrong');
    await page.click('#sign-in-form button[type=submit]');
    await expect.poll(() => page.textContent('#sign-in-error')).toContain('not accepted');

    await page.fill('#api-key', ADMIN_KEY);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('body[data-loaded="true"]');
    // Browser-side code as strings: the test compiles without the DOM library.
    expect(await page.evaluate("sessionStorage.getItem('junction.apiKey')")).toBe(ADMIN_KEY);
    // The worker syncs every second: the page follows without a reload.
    await expect.poll(() => page.textContent('#overall-rate'), { timeout: 20_000 }).toMatch(/\d+ %/);
    await expect.poll(() => tile(sfId).getAttribute('data-status'), { timeout: 20_000 }).toBe('HEALTHY');
    expect(await page.locator('.tile').count()).toBe(2);
    await expect.poll(() => page.getAttribute('#live', 'data-state')).toBe('on');
  });

  it("opens a connection's page from its tile: the setup npm start's provisioning created in the fresh emulator, every check ready", async () => {
    await tile(sfId).locator('a.tile-link').click();
    await page.waitForSelector('#connected:not([hidden])');
    await expect.poll(() => page.getAttribute('#connected-setup', 'data-ready'), { timeout: 20_000 }).toBe('true');
    const checks = await page.$$eval('#connected-setup li', (items) => items.map((i) => i.className));
    expect(checks.length).toBeGreaterThan(1);
    expect(checks.every((c) => c === 'setup-ok')).toBe(true);
    expect(await page.textContent('#connected-setup')).toContain('Contact.Junction_Id__c');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-connection-setup.png'), fullPage: true });
    await page.click('#connected a[href="#"]');
    await page.waitForSelector('#dashboard:not([hidden])');
  });

  it('lists a quarantined record, and its retry with a corrected value works from the page', async () => {
    const sfUrl = junction.emulators.find((e) => e.kind === 'SALESFORCE')!.url;
    const planted = await fetch(`${sfUrl}/_emulator/records/Contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Id: '003000000000DASHBQ', FirstName: 'Quinn', LastName: 'Broken', Email: 'not-an-email' }),
    });
    expect(planted.status).toBe(201);
    const row = page.locator('tr[data-quarantine-id]', { hasText: '003000000000DASHBQ' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('email');
    // Retry opens a small form for the failing fields; the corrected email goes as the patch.
    await row.locator('button[data-action=retry]').click();
    const fix = page.locator('tr.fix-row input[data-field=email]');
    await fix.fill('quinn.broken@example.com');
    await page.click('tr.fix-row button[data-action=retry-submit]');
    await expect.poll(() => page.textContent('#toast'), { timeout: 10_000 }).toBe('Retried: now RESOLVED');
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    const stored = (await junction.database.dataSource.query(`SELECT count(*)::int AS n FROM contacts WHERE email = 'quinn.broken@example.com'`)) as Array<{ n: number }>;
    expect(stored[0]!.n).toBe(1);
    // One more that stays, so the screenshot shows the queue.
    await fetch(`${sfUrl}/_emulator/records/Contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Id: '003000000000DASHBR', FirstName: 'Robin', LastName: '', Email: 'robin@' }),
    });
    await page.locator('tr[data-quarantine-id]', { hasText: '003000000000DASHBR' }).waitFor({ timeout: 15_000 });
  });

  it('turns the tile red and shows an alert within 10 s of faults injected into the emulator', async () => {
    const sfUrl = junction.emulators.find((e) => e.kind === 'SALESFORCE')!.url;
    const injected = await fetch(`${sfUrl}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate5xx: 1 }) });
    expect(injected.status).toBe(200);
    const started = Date.now();
    await expect.poll(() => tile(sfId).getAttribute('data-status'), { timeout: 10_000, interval: 100 }).toBe('FAILING');
    const alert = page.locator('#alerts li[data-alert-id]', { hasText: 'SALESFORCE emulator' }).first();
    await alert.waitFor({ timeout: Math.max(100, 10_000 - (Date.now() - started)) });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    expect(await alert.getAttribute('data-kind')).toMatch(/FAILURE_RATE|CIRCUIT_OPEN|SUCCESS_RATE_CRITICAL/);
    console.log(`dashboard: tile red and alert shown ${elapsed} ms after the faults`);
    // The errors-by-class tile counts the failed calls, here the 503s that failed for good.
    const serverFinal = `Number(document.querySelector('#errors-list li[data-error-class="SERVER"]')?.dataset.final ?? 0)`;
    await expect.poll(() => page.evaluate(serverFinal), { timeout: 10_000 }).toBeGreaterThan(0);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(500); // the next live refresh redraws the charts
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    // On a phone the tiles stack in one column and nothing scrolls sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await fetch(`${sfUrl}/_emulator/faults`, { method: 'DELETE' });
  });

  it("shows why a connection is not syncing on its tile (a person's pause, with the reason they gave)", async () => {
    const res = await fetch(`${junction.url!}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: 'mutation P($id: ID!) { pauseConnection(id: $id, reason: "paused for the Salesforce release weekend") { status } }', variables: { id: sfId } }),
    });
    expect(((await res.json()) as { data: { pauseConnection: { status: string } } }).data.pauseConnection.status).toBe('PAUSED');
    await expect.poll(() => tile(sfId).getAttribute('data-status'), { timeout: 10_000, interval: 100 }).toBe('PAUSED');
    await expect.poll(() => tile(sfId).locator('.tile-reason').textContent(), { timeout: 10_000, interval: 100 }).toContain('paused for the Salesforce release weekend');
  });
});
