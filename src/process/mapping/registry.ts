import { createHash } from 'node:crypto';
import { registeredCrms, type CrmKind } from '../../system';
import { parseCustomFields, withCustomFields, type CustomFieldSpec } from './custom-fields';
import { dynamicsProfile } from './dynamics';
import type { CrmMappingProfile, RecordMapper } from './field-map';
import { hubspotProfile } from './hubspot';
import { overridesOf, seedEntries, type FieldMappingEntry } from './mapping-entries';
import { withFieldMappings } from './mapping-overrides';
import { salesforceProfile } from './salesforce';
import { withoutMissing, type SchemaDrift } from './schema-drift';

/** Each registered CRM's mapping profile, keyed by the kind the system registry lists it under: one line each. */
const BUILT_IN: Record<CrmKind, CrmMappingProfile> = {
  SALESFORCE: salesforceProfile,
  HUBSPOT: hubspotProfile,
  DYNAMICS: dynamicsProfile,
};

const PROFILES = new Map<CrmKind, CrmMappingProfile>();

/** Makes a CRM's mapping profile known beside its system module (a test's CRM registers both). */
export function registerMappingProfile(kind: CrmKind, profile: CrmMappingProfile): void {
  if (PROFILES.has(kind)) throw new Error(`${kind} has a mapping profile already`);
  PROFILES.set(kind, profile);
}

for (const [kind, profile] of Object.entries(BUILT_IN)) registerMappingProfile(kind as CrmKind, profile);

/** Why the mapping profiles do not match the registered CRMs (none when they do); start-up refuses to run on any. */
export function mappingProfileProblems(): string[] {
  const kinds = registeredCrms();
  return [
    ...kinds.filter((k) => !PROFILES.has(k)).map((k) => `the registered CRM ${k} has no mapping profile (src/process/mapping/registry.ts)`),
    ...[...PROFILES.keys()].filter((k) => !kinds.includes(k)).map((k) => `a mapping profile names ${k}, which is no registered CRM (src/system/registry.ts)`),
  ];
}

/** Whether a CRM org has each setting the mappers know (RecordMapper.orgFeatures), as its describes showed; an absent one is not known yet. */
export type OrgFeatures = Record<string, boolean>;

/** What mapping needs of a connection: its CRM, its settings (custom fields), its current schema drift and its org's features. */
export interface MappingConnection {
  kind: CrmKind;
  settings?: Record<string, unknown> | null;
  schemaDrift?: SchemaDrift | null;
  orgFeatures?: OrgFeatures | null;
  /** The current field-mapping version's entries (mapping-entries.ts); null or absent: version 1, the code's own. */
  fieldMappings?: FieldMappingEntry[] | null;
}

export function mappingProfile(crm: CrmKind): CrmMappingProfile {
  const p = PROFILES.get(crm);
  if (!p) throw new Error(`no mapping profile for ${crm}`);
  return p;
}

/** The connection's custom fields, validated (CustomFieldConfigError when the stored settings are unusable). */
export function customFieldsOf(connection: MappingConnection): CustomFieldSpec[] {
  return parseCustomFields(mappingProfile(connection.kind), connection.settings?.customFields);
}

// Mappers are rebuilt only when a connection's configuration changes; outbound asks per record.
const built = new Map<string, RecordMapper[]>();
const BUILT_MAX = 256;

/**
 * The connection's mappers: the CRM's base mappers in the org's form (its picklists, where its
 * describe listed them) extended with its custom fields (requested in `remoteFields`, so only
 * mapped fields travel), minus the fields schema drift made missing.
 */
export function mappersFor(connection: MappingConnection): RecordMapper[] {
  const cacheKey = [connection.kind, connection.settings?.customFields ?? null, connection.schemaDrift ?? null, connection.orgFeatures ?? null, connection.fieldMappings ?? null].map((p) => JSON.stringify(p)).join('\n');
  const cached = built.get(cacheKey);
  if (cached) return cached;
  const custom = customFieldsOf(connection);
  const drift = connection.schemaDrift ?? {};
  const features = Object.entries(connection.orgFeatures ?? {}).flatMap(([feature, on]) => (on ? [feature] : []));
  const base = mappingProfile(connection.kind).mappers;
  // The mapping version's entries that differ from the code's (version 1) change the mappers (mapping-overrides.ts).
  const seed = connection.fieldMappings ? seedEntries(base, custom) : [];
  const overrides = connection.fieldMappings ? overridesOf(seed, connection.fieldMappings) : [];
  const mappers = base.map((m) => {
    const mine = (e: FieldMappingEntry) => e.remoteObject === m.remoteType;
    return withoutMissing(withFieldMappings(withCustomFields(m.using(features), custom), seed.filter(mine), overrides.filter(mine)), drift[m.remoteType] ?? []);
  });
  if (built.size >= BUILT_MAX) built.clear();
  built.set(cacheKey, mappers);
  return mappers;
}

/** One object's mapper: per connection (custom fields, drift), or the CRM's base mapper given only its kind. */
export function mapperFor(connection: MappingConnection | CrmKind, remoteType: string): RecordMapper {
  const mappers = typeof connection === 'string' ? mappingProfile(connection).mappers : mappersFor(connection);
  const m = mappers.find((x) => x.remoteType === remoteType);
  if (!m) throw new Error(`no mapper for ${typeof connection === 'string' ? connection : connection.kind} ${remoteType}`);
  return m;
}

/**
 * The version of a connection's effective mapping (base mappers and custom fields, not drift):
 * a test batch passes for one version; a changed mapping needs a new one (SPEC §3 sync runs).
 */
export function mappingVersion(connection: MappingConnection): string {
  const shape = mappersFor({ kind: connection.kind, settings: connection.settings }).map((m) => [m.remoteType, m.kind, m.remoteFields]);
  const overrides = connection.fieldMappings ? overridesOf(seedEntries(mappingProfile(connection.kind).mappers, customFieldsOf(connection)), connection.fieldMappings) : [];
  // Version 1 hashes as before, so connections whose test batch passed are not made to test again.
  const parts = overrides.length ? [connection.kind, shape, customFieldsOf(connection), overrides] : [connection.kind, shape, customFieldsOf(connection)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
