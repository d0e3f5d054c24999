/**
 * HubSpot lifecycle stages in the unified model. HubSpot moves a contact only forward and
 * ignores a backwards write while answering success (system: HUBSPOT_LIFECYCLE_STAGES), so a
 * sync that sent one would believe it had worked: Junction never sends one.
 */
import { HUBSPOT_LIFECYCLE_STAGES, lifecycleMovesForward, type HubspotLifecycleStage } from '../../../system';

/** Stages before a sale: LEAD in the unified model. */
export const LEAD_STAGES: ReadonlySet<string> = new Set<HubspotLifecycleStage>(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead']);

const DEFAULT_STAGES: ReadonlySet<string> = new Set(HUBSPOT_LIFECYCLE_STAGES);

/**
 * Whether a contact at `current` (null: no stage) should be given `next`: only a move forward.
 * A stage of the portal's own (not in HubSpot's default list) is left alone, never overwritten.
 */
export function mayMoveTo(current: string | null, next: HubspotLifecycleStage): boolean {
  if (!current) return true;
  const stage = current.toLowerCase();
  return DEFAULT_STAGES.has(stage) && stage !== next && lifecycleMovesForward(stage, next);
}

/** How the contact mapper reads a stage: HubSpot's default stages → the unified stage (a portal's own stages read as CONTACT too). */
export const STAGE_VALUE_MAP: Record<string, string> = Object.fromEntries(HUBSPOT_LIFECYCLE_STAGES.map((s) => [s, LEAD_STAGES.has(s) ? 'LEAD' : 'CONTACT']));
