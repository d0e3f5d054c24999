import type { CrmDescriptor } from '../crm-module';

/** Salesforce facts the rest of Junction relies on (crm-wire.md §1). */
export const SALESFORCE_DESCRIPTOR: CrmDescriptor = {
  kind: 'SALESFORCE',
  defaultApiVersion: '59.0',
  defaultEmulatorPort: 4101,
  objects: { contact: ['Lead', 'Contact'], company: ['Account'] },
  externalIdField: 'Junction_Id__c',
  // Composite sObject collections take at most 200 records per request.
  writeBatchSize: 200,
  // A checkbox custom field; deleting (recycle bin, purged after 15 days, no REST undelete) is not a soft archive.
  deletedFlagField: 'Junction_Deleted__c',
  archiveIsSoft: false,
  // Without a refresh token the connected app's client-credentials flow is used; JWT bearer for server-to-server (crm-wire.md §6.1 item 2).
  credentials: { refreshToken: 'optional', tenantId: 'unsupported', methods: ['OAUTH_CLIENT', 'JWT_BEARER'] },
  docs: { name: 'Salesforce', company: 'Account', refreshToken: 'else client credentials' },
  // login/test.salesforce.com for tokens, *.my.salesforce.com and *.force.com for the org's instance_url.
  // Salesforce limits calls per rolling 24 h, not per second: a budget, spent as fast as needed (crm-wire.md §1.2 `/limits`).
  defaultRateLimit: { requests: 15_000, windowMs: 86_400_000, basis: 'Salesforce: 15,000 API requests per 24 h, the Developer Edition allocation (Enterprise: 100,000 + 1,000 per licence)' },
  hostFamily: ['*.salesforce.com', '*.force.com'],
};

/** Salesforce sends no `expires_in`; sessions default to 2 h of inactivity timeout. */
export const SESSION_LIFETIME_MS = 2 * 60 * 60 * 1000;

/** `Sforce-Query-Options: batchSize` bounds (resources_query). */
export const QUERY_BATCH = { min: 200, max: 2000, default: 2000 } as const;

/** Rows per Bulk API 2.0 results page the adapter asks for. */
export const BULK_RESULTS_PAGE = 10_000;
