/**
 * A linked record's known state: the vendor fields Junction last read from it or wrote to it,
 * kept on its source link (`known_state`) so the next write to it carries only what changed
 * (mapping/write-diff.ts). Fields without a value are left out: an absent field holds nothing,
 * and a field Junction never saw is never written as a null.
 */
import type { RemoteFields } from '../../../system';

export type KnownState = RemoteFields;

const holds = (v: RemoteFields[string] | undefined): boolean => v !== null && v !== undefined && v !== '';

/** What a read shows of the mapped fields. */
export function knownFromRead(fields: RemoteFields, mapped: readonly string[]): KnownState {
  const out: KnownState = {};
  for (const f of mapped) if (holds(fields[f])) out[f] = fields[f]!;
  return out;
}

/**
 * The known state after a write answered success. `answered` holds what the CRM's answer says
 * it kept (HubSpot's write answers carry the stored properties): where that differs from what
 * was sent — a lifecycle stage HubSpot refused to move backwards — the CRM's value is known,
 * not Junction's. Write-only keys (Dataverse `…@odata.bind`) read back under another name and
 * are not kept.
 */
export function knownAfterWrite(known: KnownState | null, sent: RemoteFields, answered?: RemoteFields): KnownState {
  const out: KnownState = { ...(known ?? {}) };
  for (const [field, value] of Object.entries(sent)) {
    if (field.includes('@')) continue;
    const kept = answered && field in answered ? answered[field] : value;
    if (holds(kept)) out[field] = kept!;
    else delete out[field];
  }
  return out;
}
