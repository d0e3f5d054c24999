/**
 * The System API: the one interface every CRM adapter implements (SPEC §2).
 *
 * The process tier talks only to this interface. Records cross it as flat field
 * dictionaries keyed by the vendor's field names, so mappers can be declared as data
 * without ever seeing a vendor's wire envelopes (those stay in `src/system/<crm>/types.ts`).
 */
import type { ErrorClass } from './errors';
import type { CrmKind } from './registry';
import type { RetrySettings } from './transport/retry-policy';
import type { CircuitChange, CircuitSettings, CircuitState } from './transport/circuit-breaker';
import type { HostPolicy } from './transport/host-policy';

export type { CircuitChange, CircuitSettings, CircuitState } from './transport/circuit-breaker';
export type { CrmHostPolicy, HostPolicy } from './transport/host-policy';
/** The CRMs are listed once, in the registry. */
export type { CrmKind } from './registry';

/** A field value as the vendor returned it; dates are ISO-8601 strings in UTC. */
export type RemoteValue = string | number | boolean | null;
export type RemoteFields = Record<string, RemoteValue>;

export interface RemoteRecord {
  /** Vendor object name: `Lead`, `Contact`, `Account`, `contacts`, `companies`, … */
  remoteType: string;
  remoteId: string;
  /** The vendor's modification stamp, normalized to ISO-8601 UTC with milliseconds. */
  modifiedAt: string;
  /** True when the vendor reports the record deleted or archived. */
  deleted: boolean;
  fields: RemoteFields;
  /**
   * Set when the record could not be normalized (no id, no parseable stamp, a non-scalar
   * value): what is wrong with it. Such a record is still yielded, so the process tier
   * quarantines it instead of losing it; its id, stamp and fields are not to be trusted.
   */
  malformed?: string;
}

export interface ChangePage {
  records: RemoteRecord[];
  /** Cursor to persist once this page is applied; resuming from it never skips a change. */
  cursor: string;
  /** How many records this read holds in all, where the vendor says (HubSpot search `total`, Salesforce `totalSize`). */
  total?: number;
}

/** One page of a bulk export. */
export interface BulkPage {
  records: RemoteRecord[];
  /**
   * Where the export goes on after this page (pass it back as `resumeFrom`); absent on the
   * last page. Opaque and vendor-specific: a Salesforce query job and its next locator, a
   * HubSpot `after`, a Dataverse next link.
   */
  resume?: string;
  /** How many records the export holds in all, where the vendor says (a Salesforce query job's `numberRecordsProcessed`). */
  total?: number;
}

export interface OutboundRecord {
  /** Set when the record is already linked in this CRM: written by id. */
  remoteId?: string;
  /** Junction's unified id, stamped into the vendor's external-id field. */
  junctionId: string;
  fields: RemoteFields;
}

export interface WriteResult {
  junctionId: string;
  ok: boolean;
  remoteId?: string;
  created?: boolean;
  /**
   * The record's values as the vendor's answer states them, where it carries them (HubSpot's
   * write answers hold the stored properties): a vendor may keep its own value and still answer
   * success (HubSpot ignores a lifecycle stage moved backwards).
   */
  answered?: RemoteFields;
  error?: { errorClass: ErrorClass; code: string; message: string; fields?: string[] };
}

export interface ApiUsage {
  used: number;
  limit: number;
  /** When the vendor's daily budget resets, if it says. */
  resetsAt?: string;
}

export interface TokenInfo {
  accessToken: string;
  /** When the access token expires; absent for a token that never does (a HubSpot private-app token). */
  expiresAt?: string;
  /** When the refresh token expires, where the CRM says so (Salesforce's introspection `exp`). */
  refreshTokenExpiresAt?: string;
  /** The vendor organisation the session belongs to, where the token answer names it (Salesforce's identity URL). */
  organizationId?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  apiVersion: string;
  message?: string;
  errorClass?: ErrorClass;
}

/**
 * One thing a connection needs in the CRM (API access, rights on a mapped object, one of
 * Junction's fields, its field-level security, an alternate key): whether it is there, what a
 * person should do when it is not, and whether provisioning can create it.
 */
export interface SetupCheck {
  name: string;
  ok: boolean;
  message: string;
  fixable: boolean;
}

/** The live setup check of a connection; `ready` when every check passed. */
export interface SetupReport {
  ready: boolean;
  checks: SetupCheck[];
}

export interface ListOptions {
  /** Vendor field names to fetch: only mapped fields are requested. */
  fields: string[];
  /** Page size hint; adapters clamp to what the vendor allows. */
  pageSize?: number;
}

export interface BulkOptions extends ListOptions {
  /** A page's `resume` from an earlier export of the same object and fields: the export continues after that page. */
  resumeFrom?: string;
}

export interface SystemAdapter {
  readonly kind: CrmKind;
  readonly apiVersion: string;
  testConnection(): Promise<ConnectionTestResult>;
  /** Vendor-reported API usage against its daily limit. */
  getUsage(): Promise<ApiUsage>;
  /** Records changed after `cursor` (null: from the beginning), oldest first, page by page. */
  listChanged(remoteType: string, cursor: string | null, options: ListOptions): AsyncIterable<ChangePage>;
  /**
   * Every record of the object, for initial loads and full refreshes, page by page; from
   * `options.resumeFrom` only the records after that page. A malformed token is refused
   * (VALIDATION, INVALID_RESUME_TOKEN); one whose vendor state is gone starts over.
   */
  bulkExport(remoteType: string, options: BulkOptions): AsyncIterable<BulkPage>;
  /**
   * The vendor field names the object has right now (Salesforce describe, HubSpot properties,
   * Dataverse attribute metadata), for the schema-drift check when a read suggests a mapped field is gone.
   */
  describeFields(remoteType: string): Promise<string[]>;
  /**
   * The vendor's type of each field the object has (Salesforce describe `type`, HubSpot property
   * `type`, Dataverse attribute metadata type), for checking a field mapping before it is used.
   */
  describeFieldTypes?(remoteType: string): Promise<Record<string, string>>;
  /**
   * True when a read naming a field the object no longer has is refused (Salesforce's
   * INVALID_FIELD, Dataverse's unknown property), so an answered read proves every requested
   * field exists. HubSpot answers without the deleted property instead.
   */
  readonly readsRefuseUnknownFields: boolean;
  /** Idempotent batched writes: by remote id when linked, else an upsert on the Junction external id. */
  upsert(remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]>;
  /** Soft delete / archive in the vendor's terms. */
  archive(remoteType: string, remoteIds: string[]): Promise<WriteResult[]>;
  /** The same writes through the vendor's bulk ingest (Salesforce Bulk API 2.0), for vendors that have one. */
  bulkUpsert?(remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]>;
  /** A delivery of more records than this goes through bulkUpsert (a connection's `settings.bulkIngestThreshold` overrides it). */
  readonly bulkIngestThreshold?: number;
  refreshToken(): Promise<TokenInfo>;
  /** Checks live what Junction needs in the CRM (its setup module, `<crm>/setup.ts`); read-only. */
  checkSetup?(): Promise<SetupReport>;
  /** Creates what checkSetup found missing and fixable through the vendor's own metadata API, then checks again. */
  provision?(): Promise<SetupReport>;
  /** Calls made through this adapter since it was built (for run accounting). */
  readonly stats: AdapterStats;
  close(): Promise<void>;
}

export interface AdapterStats {
  apiCalls: number;
  lastUsage?: ApiUsage;
  tokenExpiresAt?: string;
  /** Retries made after first attempts (the retry policy's work). */
  retries?: number;
  /** The most attempts any one call needed (first try + retries). */
  maxAttempts?: number;
  /** Tokens obtained, the first one included. */
  tokenRefreshes?: number;
  /** The connection's circuit as this process sees it. */
  circuit?: CircuitState;
}

/** Attempts a failed call made before it gave up (the transport stamps it on the error); 1 when unknown. */
export function attemptsOf(err: unknown): number {
  const details = (err as { details?: { attempts?: unknown } } | undefined)?.details;
  return typeof details?.attempts === 'number' ? details.attempts : 1;
}

/**
 * A connection's credentials, one of the ways its CRM authenticates (connection-input.ts checks
 * which fields go together): an OAuth client (id and secret, a refresh token where the CRM
 * takes one, else client credentials), Salesforce's JWT bearer (`username` + `privateKeyPem`),
 * or HubSpot's private-app `accessToken`.
 */
export interface ConnectionCredentials {
  /** The OAuth client (Salesforce consumer key, Entra application id); absent for a private-app token. */
  clientId?: string;
  /** Absent where the grant sends none (JWT bearer, private-app token); when given, it also keys change notifications. */
  clientSecret?: string;
  refreshToken?: string;
  /** The Entra ID tenant, for CRMs whose descriptor takes one (`credentials.tenantId`). */
  tenantId?: string;
  /** JWT bearer (Salesforce): the integration user the assertion names as `sub`. */
  username?: string;
  /** JWT bearer (Salesforce): the PKCS#8 or PKCS#1 RSA private key the assertion is signed with. */
  privateKeyPem?: string;
  /** A token that is the credential itself (HubSpot private app, `pat-…`): never refreshed, never expires. */
  accessToken?: string;
  /** Where the identity provider's token endpoint lives (Entra ID: `https://login.microsoftonline.com`, the default). */
  authorityUrl?: string;
}

/** The ways of authenticating a CRM can take beyond an OAuth client (`CrmDescriptor.credentials.methods`). */
export type CredentialMethod = 'OAUTH_CLIENT' | 'JWT_BEARER' | 'PRIVATE_APP_TOKEN';

export interface AdapterOptions {
  baseUrl: string;
  apiVersion?: string;
  credentials: ConnectionCredentials;
  /** Rate limiter settings for this connection; shared across instances when Redis is given. */
  limiter?: LimiterOptions;
  /** Per-call timeout. */
  timeoutMs?: number;
  /** Retry policy settings; defaults to SPEC §2 (3 retries, 1 s/2 s/4 s, cap 8 s). */
  retry?: RetrySettings;
  /** Called whenever the adapter obtains a new token, so the store can keep its expiry. */
  onToken?: (token: TokenInfo) => void;
  /** Deliveries above this many records use the vendor's bulk ingest, where it has one (Salesforce: 2,000). */
  bulkIngestThreshold?: number;
  /** Hosts this connection's credentials may go to (default: the CRM's host family, and loopback). */
  hostPolicy?: HostPolicy;
  /** Told of every failed attempt once its call ends (see CallFailure), so the store can count what retries absorbed. */
  onCallFailure?: (failure: CallFailure) => void;
}

/**
 * One failed attempt of a call: a 429 or 5xx the retry policy waited out, a 401 replayed with a
 * fresh token, or an attempt of a call that failed for good. Reported when the call ends, as
 * only then is it known whether a later attempt recovered it. A call an open circuit refused
 * never went out and is not reported (the circuit's own state shows it).
 */
export interface CallFailure {
  errorClass: ErrorClass;
  code: string;
  /** True when a later attempt of the same call succeeded; false when the call failed for good. */
  recovered: boolean;
}

export interface LimiterOptions {
  /** Stable id (the connection id) so clustered limiters share one budget. */
  id: string;
  maxConcurrent?: number;
  minTimeMs?: number;
  /** Bottleneck clustering over ioredis when set. */
  redisUrl?: string;
  /**
   * The vendor's request limit for this connection: no window of `windowMs` holds more than
   * `requests`. Windows up to 10 minutes are paced (calls spaced); longer ones are a budget.
   */
  rate?: { requests: number; windowMs: number };
  /** Circuit breaker settings for this connection (defaults: 5 failures, 60 s open). */
  circuit?: Partial<CircuitSettings>;
  /** Called when the connection's circuit changes state, so the store can show it. */
  onCircuit?: (change: CircuitChange) => void;
}

export type AdapterFactory = (options: AdapterOptions) => SystemAdapter;
