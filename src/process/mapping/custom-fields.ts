/**
 * Per-connection custom fields (SPEC §3 "Mapping"), kept in `connections.settings.customFields`:
 *
 *   { object: 'Contact', remote: 'Employee_Badge__c', key: 'badge' }   mapped: both ways as `custom.badge`
 *   { object: 'Contact', remote: 'Outreach_Last_Sequence_Step__c' }     carried: read-only as
 *                                                                        `custom.salesforce.Outreach_Last_Sequence_Step__c`
 *
 * A mapped key is shared across CRMs (each connection maps its own vendor field to it); a
 * carried field is prefixed with the CRM's name, so it never meets another CRM's field.
 */
import { z } from 'zod';
import { SystemError, type CrmKind } from '../../system';
import type { CrmMappingProfile, OutboundSnapshot, RecordMapper } from './field-map';
import { asText, remoteValue } from './field-map';

/** Unified values under this prefix are stored in the record's `custom` jsonb column. */
export const CUSTOM_KEY_PREFIX = 'custom.';

// Vendor API names: Salesforce `Badge__c`, HubSpot `employee_badge`, Dataverse `new_badge`.
const REMOTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
// No dots: a mapped key can never collide with a carried, CRM-prefixed one.
const UNIFIED_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export const CustomFieldSchema = z.object({
  object: z.string().trim().min(1, 'object is required'),
  remote: z.string().trim().regex(REMOTE_NAME, 'remote must be a vendor API field name (letters, digits, underscores)'),
  key: z.string().trim().regex(UNIFIED_KEY, 'key must be letters, digits and underscores, starting with a letter').optional(),
  /** Mapped fields only: `in` reads the vendor field but never writes it. */
  direction: z.enum(['both', 'in']).optional(),
});
export type CustomFieldSpec = z.infer<typeof CustomFieldSchema>;

const CustomFieldList = z.array(CustomFieldSchema).max(200, 'at most 200 custom fields per connection');

/** A custom-field configuration that cannot be used, with every problem named (a run stopped by it logs VALIDATION). */
export class CustomFieldConfigError extends SystemError {
  constructor(readonly problems: string[]) {
    super('VALIDATION', 'CUSTOM_FIELD_CONFIG', `invalid custom-field configuration: ${problems.join('; ')}`);
  }
}

/**
 * Parses and checks a connection's custom fields against its CRM's mapping profile: the
 * object must be one Junction syncs, a vendor field is configured once per object, is not
 * already a base-mapped field, and a unified key is used once per object.
 */
export function parseCustomFields(profile: CrmMappingProfile, input: unknown): CustomFieldSpec[] {
  if (input === undefined || input === null) return [];
  const parsed = CustomFieldList.safeParse(input);
  if (!parsed.success) throw new CustomFieldConfigError(parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'customFields'}: ${i.message}`));
  const problems: string[] = [];
  const seenRemote = new Set<string>();
  const seenKey = new Set<string>();
  const out: CustomFieldSpec[] = [];
  for (const [i, given] of parsed.data.entries()) {
    const mapper = profile.mappers.find((m) => m.remoteType.toLowerCase() === given.object.toLowerCase());
    if (!mapper) {
      problems.push(`${i}.object: ${profile.crm} has no synced object ${given.object} (one of ${profile.mappers.map((m) => m.remoteType).join(', ')})`);
      continue;
    }
    const spec: CustomFieldSpec = { ...given, object: mapper.remoteType };
    if (mapper.remoteFields.some((f) => f.toLowerCase() === spec.remote.toLowerCase()))
      problems.push(`${i}.remote: ${spec.remote} is already mapped by Junction on ${spec.object}`);
    const remoteId = `${spec.object}.${spec.remote.toLowerCase()}`;
    if (seenRemote.has(remoteId)) problems.push(`${i}.remote: ${spec.remote} is configured twice on ${spec.object}`);
    seenRemote.add(remoteId);
    if (spec.key !== undefined) {
      const keyId = `${spec.object}.${spec.key}`;
      if (seenKey.has(keyId)) problems.push(`${i}.key: ${spec.key} is mapped twice on ${spec.object}`);
      seenKey.add(keyId);
    } else if (spec.direction !== undefined) problems.push(`${i}.direction: only a mapped field (with a key) has a direction; carried fields are read-only`);
    out.push(spec);
  }
  if (problems.length) throw new CustomFieldConfigError(problems);
  return out;
}

/** The unified value key a custom field is read into. */
export function unifiedKeyOf(crm: CrmKind, spec: CustomFieldSpec): string {
  return spec.key !== undefined ? `${CUSTOM_KEY_PREFIX}${spec.key}` : `${CUSTOM_KEY_PREFIX}${crm.toLowerCase()}.${spec.remote}`;
}

/** The base mapper plus this object's custom fields: requested, read into `custom.*`, mapped ones written back. */
export function withCustomFields(base: RecordMapper, specs: readonly CustomFieldSpec[]): RecordMapper {
  const mine = specs.filter((s) => s.object === base.remoteType);
  if (!mine.length) return base;
  const writable = mine.filter((s) => s.key !== undefined && s.direction !== 'in');
  return {
    ...base,
    remoteFields: [...base.remoteFields, ...mine.map((s) => s.remote)],
    toUnified(fields) {
      const result = base.toUnified(fields);
      const values = result.record.values as Record<string, string | null>;
      for (const s of mine) {
        const raw = remoteValue(fields, s.remote);
        if (raw === undefined) continue; // not returned: never a silent null
        const key = unifiedKeyOf(base.crm, s);
        if (raw !== null && typeof raw === 'object') {
          result.issues.push({ field: key, rule: 'DATA_FORMAT', message: `${base.remoteType}.${s.remote} is not a scalar value` });
          continue;
        }
        values[key] = asText(raw);
      }
      return result;
    },
    toRemote(snapshot: OutboundSnapshot, known) {
      const out = base.toRemote(snapshot, known);
      for (const s of writable) {
        const v = snapshot.values[unifiedKeyOf(base.crm, s)];
        if (v !== undefined) out[s.remote] = v;
      }
      return out;
    },
  };
}
