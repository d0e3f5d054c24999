/** Everything one HubSpot emulator holds, handed to each route module. */
import type { EmulatorContext, EmulatorRequest } from '../../emulator-kit';
import { MonotonicStamp } from '../../emulator-kit';
import type { HubspotObject } from '../descriptor';
import { AssociationStore } from './association-store';
import { ObjectStore } from './store';
import { WebhookNotifier } from './webhooks';

export interface HubspotState {
  ctx: EmulatorContext;
  stores: Record<HubspotObject, ObjectStore>;
  associations: AssociationStore;
  webhooks: WebhookNotifier;
}

export function createState(ctx: EmulatorContext): HubspotState {
  const stamps = new MonotonicStamp(ctx.clock);
  const webhooks = new WebhookNotifier(ctx);
  const notify = webhooks.record.bind(webhooks);
  return {
    ctx,
    stores: { contacts: new ObjectStore('contacts', stamps, notify), companies: new ObjectStore('companies', stamps, notify) },
    associations: new AssociationStore(),
    webhooks,
  };
}

export const isoNow = (state: HubspotState): string => new Date(state.ctx.clock.now()).toISOString();

/** `properties` may be repeated (the SDK) or comma-joined (hand-written URLs); HubSpot takes both. */
export function requestedProperties(query: URLSearchParams): string[] | undefined {
  const names = query
    .getAll('properties')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return names.length ? names : undefined;
}

export const flag = (req: EmulatorRequest, name: string): boolean => req.query.get(name) === 'true';
