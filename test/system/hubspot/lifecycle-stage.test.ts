/**
 * HubSpot's lifecycle stage moves only forward (crm-wire.md §6.2 item 11), through
 * @hubspot/api-client: a write of an earlier stage answers success and is ignored (the answer
 * and every later read show the stage kept); clearing it first ("") lets a later write set any
 * stage. One Client for the file (the SDK's decorators are process-global).
 */
import type { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { hubspotSdk } from '../../support/vendor-sdks';
import { startEmulator } from '../../support/crms/hubspot';

let emu: RunningEmulator;
let client: Client;

beforeAll(async () => {
  emu = await startEmulator();
  client = await hubspotSdk(emu.url, 1);
});

afterAll(async () => {
  await emu.close();
});

const stageOf = async (id: string) => (await client.crm.contacts.basicApi.getById(id, ['lifecyclestage', 'jobtitle'])).properties;

describe('lifecyclestage', () => {
  it('moves forward, and ignores a backwards write while answering success', async () => {
    const { id } = await client.crm.contacts.basicApi.create({ properties: { email: 'stage@example.com', lifecyclestage: 'lead' }, associations: [] });
    const forward = await client.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: 'customer' } });
    expect(forward.properties.lifecyclestage).toBe('customer');

    // Backwards, with another property in the same write: the call succeeds, the other property
    // is written, the stage is not — and the answer says so.
    const answer = await client.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: 'lead', jobtitle: 'CTO' } });
    expect(answer.properties.lifecyclestage).toBe('customer');
    expect(await stageOf(id)).toMatchObject({ lifecyclestage: 'customer', jobtitle: 'CTO' });

    // The batch endpoints Junction writes through behave the same.
    const batch = await client.crm.contacts.batchApi.update({ inputs: [{ id, properties: { lifecyclestage: 'subscriber' } }] });
    expect(batch.status).toBe('COMPLETE');
    expect(batch.results[0]!.properties.lifecyclestage).toBe('customer');
    expect((await stageOf(id)).lifecyclestage).toBe('customer');
  });

  it('goes back only after the stage is cleared, in a separate request', async () => {
    const { id } = await client.crm.contacts.basicApi.create({ properties: { email: 'clear@example.com', lifecyclestage: 'opportunity' }, associations: [] });
    await client.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: '' } });
    expect((await stageOf(id)).lifecyclestage).toBe('');
    await client.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: 'subscriber' } });
    expect((await stageOf(id)).lifecyclestage).toBe('subscriber');
  });
});
