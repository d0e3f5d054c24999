/**
 * HubSpot facts as data (STYLE.md §1): object names, stamp properties, limits.
 * Wire facts come from shared/crm-wire.md §2 and the HubSpot docs linked there.
 */
import type { CrmDescriptor } from '../crm-module';

export const HUBSPOT_DESCRIPTOR: CrmDescriptor = {
  kind: 'HUBSPOT',
  defaultApiVersion: 'v3',
  defaultEmulatorPort: 4102,
  objects: { contact: ['contacts'], company: ['companies'] },
  externalIdField: 'junction_id',
  writeBatchSize: 100,
  // A custom boolean property (type bool, values "true"/"false"); archived records stay in the recycle bin for 90 days.
  deletedFlagField: 'junction_deleted',
  archiveIsSoft: true,
  // The refresh-token grant is HubSpot's only OAuth grant for a connection (crm-wire.md §6.2 item 8); a private app's token is the other way in (item 9).
  credentials: { refreshToken: 'required', tenantId: 'unsupported', methods: ['OAUTH_CLIENT', 'PRIVATE_APP_TOKEN'] },
  docs: { name: 'HubSpot', company: 'company', refreshToken: 'unless a private-app accessToken is given' },
  defaultRateLimit: { requests: 100, windowMs: 10_000, basis: 'HubSpot: 100 requests per 10 s, the Free/Starter tier and public OAuth apps (Professional/Enterprise: 190)' },
  // The API and its OAuth token endpoint.
  hostFamily: ['api.hubapi.com'],
};

export type HubspotObject = 'contacts' | 'companies';

/**
 * The default lifecycle stages, in order. A contact's stage moves only forward: a write of an
 * earlier stage is ignored while the call answers success; to go back, the stage must first be
 * cleared ("") in a separate request (crm-wire.md §6.2 item 11).
 */
export const HUBSPOT_LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;
export type HubspotLifecycleStage = (typeof HUBSPOT_LIFECYCLE_STAGES)[number];

/** Whether a record at stage `current` (null or "": none) takes a write of `next`: forward only; a portal's own stage (not in the default list) is compared with nothing. */
export function lifecycleMovesForward(current: string | null, next: string): boolean {
  if (!current) return true;
  const from = HUBSPOT_LIFECYCLE_STAGES.indexOf(current.toLowerCase() as HubspotLifecycleStage);
  const to = HUBSPOT_LIFECYCLE_STAGES.indexOf(next.toLowerCase() as HubspotLifecycleStage);
  return from < 0 || to < 0 || to >= from;
}

export interface HubspotObjectFacts {
  /** Object type id used by the v4 associations API and accepted in v3 paths. */
  typeId: string;
  singular: string;
  /** The property HubSpot stamps on every change (contacts differ from every other object). */
  stampProperty: string;
  /** Properties returned when a request names none (crm-wire §2.1). */
  defaultProperties: readonly string[];
  /** Properties the free-text `query` of a search looks at. */
  searchableProperties: readonly string[];
}

export const HUBSPOT_OBJECTS: Record<HubspotObject, HubspotObjectFacts> = {
  contacts: {
    typeId: '0-1',
    singular: 'contact',
    stampProperty: 'lastmodifieddate',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    searchableProperties: ['email', 'firstname', 'lastname', 'phone', 'company'],
  },
  companies: {
    typeId: '0-2',
    singular: 'company',
    stampProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    searchableProperties: ['name', 'domain', 'website', 'phone'],
  },
};

/** Resolves `contacts`, `contact` or `0-1` (all accepted by HubSpot) to the canonical plural. */
export function resolveObject(name: string): HubspotObject | undefined {
  const lower = name.toLowerCase();
  for (const [plural, facts] of Object.entries(HUBSPOT_OBJECTS) as Array<[HubspotObject, HubspotObjectFacts]>) {
    if (lower === plural || lower === facts.singular || lower === facts.typeId) return plural;
  }
  return undefined;
}

/** Batch endpoints take at most 100 inputs; list pages at most 100; search pages at most 200. */
export const HUBSPOT_LIMITS = {
  batchInputs: 100,
  listPage: 100,
  searchPage: 200,
  searchDefaultPage: 10,
  /** Search never pages past this many results; a later `after` is a 400. */
  searchResultCap: 10_000,
  /** Values Junction puts in one IN / NOT_IN search filter: no cap is documented, so a request stays small; beyond it the read searches GTE and skips seen ids. */
  filterValues: 100,
  dailyRequests: 250_000,
  tenSecondlyRequests: 100,
  tokenTtlMs: 30 * 60 * 1000,
} as const;

/** Association type ids (SDK enum AssociationTypes): unlabeled and primary, each direction. */
export const ASSOCIATION_TYPES = {
  contactToCompany: 279,
  contactToCompanyPrimary: 1,
  companyToContact: 280,
  companyToContactPrimary: 2,
} as const;

/** Properties HubSpot maintains itself; writes to them are refused. */
export const READ_ONLY_PROPERTIES: ReadonlySet<string> = new Set(['hs_object_id', 'lastmodifieddate', 'hs_lastmodifieddate']);
