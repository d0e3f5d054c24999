/**
 * Microsoft Dataverse (Dynamics 365) facts as data (STYLE.md §1): entity sets, keys,
 * required columns, limits. Wire facts come from shared/crm-wire.md §3 and the docs linked there.
 */
import type { CrmDescriptor } from '../crm-module';

export const DYNAMICS_DESCRIPTOR: CrmDescriptor = {
  kind: 'DYNAMICS',
  defaultApiVersion: '9.2',
  defaultEmulatorPort: 4103,
  objects: { contact: ['contacts'], company: ['accounts'] },
  // An alternate key column on contacts and accounts, so PATCH contacts(junction_id='…') upserts.
  externalIdField: 'junction_id',
  writeBatchSize: 1000,
  // A custom Yes/No column; the adapter's archive is a DELETE, which Dataverse does not keep.
  deletedFlagField: 'junction_deleted',
  archiveIsSoft: false,
  // A refresh token means delegated access; without one, an application user (client credentials). The tenant defaults to `organizations`.
  // Tokens come from Entra ID, not from the org (crm-wire.md §6.3 item 16); `authorityUrl` moves it (a sovereign cloud, the emulator).
  credentials: {
    refreshToken: 'optional',
    tenantId: 'optional',
    methods: ['OAUTH_CLIENT'],
    authorityUrl: 'https://login.microsoftonline.com',
    // Entra ID's public and US government clouds: token requests may go there besides the org's hosts.
    authorityHosts: ['login.microsoftonline.com', 'login.microsoftonline.us'],
  },
  docs: { name: 'Dynamics', company: 'account', refreshToken: 'delegated access; else an application user', tenantId: 'the Entra ID tenant' },
  // Dataverse org URLs ({org}.crm[N].dynamics.com).
  defaultRateLimit: { requests: 6_000, windowMs: 300_000, basis: 'Dataverse service protection: 6,000 requests per user per 5 minutes' },
  hostFamily: ['*.dynamics.com'],
};

export type DataverseEntitySet = 'contacts' | 'accounts' | 'leads';

export interface EntityFacts {
  /** Logical name of the table (the singular); `$deletedEntity` rows and metadata use it. */
  logicalName: string;
  /** The GUID primary key column. */
  key: string;
  /** Columns Dataverse refuses to leave empty on create (ApplicationRequired). */
  required: readonly string[];
  /** The primary name column, derived on write (fullname on contacts). */
  primaryName: string;
}

export const DATAVERSE_ENTITIES: Record<DataverseEntitySet, EntityFacts> = {
  contacts: { logicalName: 'contact', key: 'contactid', required: ['lastname'], primaryName: 'fullname' },
  accounts: { logicalName: 'account', key: 'accountid', required: ['name'], primaryName: 'name' },
  leads: { logicalName: 'lead', key: 'leadid', required: ['lastname'], primaryName: 'fullname' },
};

/** Entity sets the adapter syncs; leads exist in the emulator only for completeness. */
export type SyncedEntitySet = 'contacts' | 'accounts';

export function resolveEntitySet(name: string): DataverseEntitySet | undefined {
  const lower = name.toLowerCase();
  for (const [set, facts] of Object.entries(DATAVERSE_ENTITIES) as Array<[DataverseEntitySet, EntityFacts]>) {
    if (lower === set || lower === facts.logicalName) return set;
  }
  return undefined;
}

/** Columns Dataverse maintains itself; the adapter never writes them. */
export const SYSTEM_COLUMNS: ReadonlySet<string> = new Set([
  'contactid',
  'accountid',
  'leadid',
  'createdon',
  'modifiedon',
  'versionnumber',
  'fullname',
  '_parentcustomerid_value',
]);

/**
 * Limits: $batch takes at most 1,000 requests; pages at most 5,000 rows; service
 * protection allows 6,000 requests per user per 5-minute sliding window (crm-wire §3).
 */
export const DATAVERSE_LIMITS = {
  batchRequests: 1000,
  maxPageSize: 5000,
  windowRequests: 6000,
  windowMs: 300_000,
  tokenTtlMs: 60 * 60 * 1000,
} as const;

/** Service-protection error codes (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits). */
export const SERVICE_PROTECTION = {
  requests: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' },
  executionTime: {
    code: '0x80072321',
    message: 'Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds over time window of 300 seconds.',
  },
  concurrency: { code: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 52.' },
} as const;
