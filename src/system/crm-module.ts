import type { EmulatorStartOptions, RunningEmulator } from './emulator-kit/running';
import type { ConsentProtocol } from './consent/consent-protocol';
import type { AdapterFactory, CredentialMethod, CrmKind } from './system-api';

/** Facts about a CRM the rest of Junction may rely on, kept as data (STYLE.md §1). */
export interface CrmDescriptor {
  kind: CrmKind;
  defaultApiVersion: string;
  defaultEmulatorPort: number;
  /** Vendor objects this CRM exposes for unified contacts and companies. */
  objects: { contact: string[]; company: string[] };
  /** Field carrying Junction's unified id, used for idempotent upserts. */
  externalIdField: string;
  /** Largest write batch the vendor accepts in one call. */
  writeBatchSize: number;
  /** Junction's boolean custom field marking a record deleted in the unified store (delete propagation FLAG). */
  deletedFlagField: string;
  /** Whether `archive` keeps the record restorable (HubSpot's archive does; Salesforce's and Dataverse's are deletes). */
  archiveIsSoft: boolean;
  /**
   * Which optional credential fields the CRM's OAuth-client grants use (a connection's credentials are
   * checked against it); `methods`: other ways it authenticates (JWT bearer, private-app token);
   * `authorityUrl`: the identity provider's default URL, for CRMs whose tokens come from one apart from the CRM;
   * `authorityHosts`: the hosts a connection's `authorityUrl` may name (token requests may go there too).
   */
  credentials: {
    refreshToken: CredentialFieldRule;
    tenantId: CredentialFieldRule;
    methods?: readonly CredentialMethod[];
    authorityUrl?: string;
    authorityHosts?: readonly string[];
  };
  /** How the API's documentation names the CRM, its company object, and what an optional credential field means to it. */
  docs: { name: string; company: string; refreshToken?: string; tenantId?: string };
  /**
   * The vendor's documented request limit for one connection, applied when the operator set
   * none (settings.rateLimit): the smallest plan's, so an unknown org is never pushed past its
   * own. `basis` says where the figure comes from, for the API and the README.
   */
  defaultRateLimit: { requests: number; windowMs: number; basis: string };
  /** The vendor's hosts credentials may be sent to (`*.` for every subdomain): the default host allow-list. */
  hostFamily: readonly string[];
}

/** Whether a credential field must be given, may be given, or means nothing to the CRM. */
export type CredentialFieldRule = 'required' | 'optional' | 'unsupported';

/** A change notification as it arrived over HTTP, before anyone trusts it. */
export interface WebhookRequest {
  method: string;
  /** The full URL the vendor posted to (what it signed). */
  url: string;
  rawBody: string;
  headers: Record<string, string | undefined>;
}

/** What a verifier may check a notification against: the connection, its secret, the org its sessions belong to. */
export interface WebhookSecrets {
  connectionId: string;
  clientSecret: string;
  /** The vendor organisation the connection's token answer named (Salesforce), once a session was opened. */
  organizationId?: string;
}

/** The body a vendor expects back for an accepted delivery (Salesforce's SOAP Ack); none means 204. */
export interface WebhookReply {
  contentType: string;
  body: string;
}

export type WebhookVerdict = { ok: true; remoteTypes: string[]; reply?: WebhookReply } | { ok: false; reason: string };

/** How a CRM signs its change notifications, for CRMs that send them. */
export interface WebhookVerifier {
  /** Checks signature and freshness; names the objects the notification says changed. */
  verify(request: WebhookRequest, secrets: WebhookSecrets, now: number): WebhookVerdict;
  /** Values unique to one delivery (or to each change it carries), so a replay can be recognized. */
  deliveryId(request: WebhookRequest): string | string[];
  /**
   * How a delivery seen before is answered. `refuse` (409); `acknowledge`: the vendor retries
   * until acknowledged, so a repeat already acted upon gets its acknowledgement again, without a new run.
   */
  replays?: 'refuse' | 'acknowledge';
  /** The query parameter of the endpoint URL that carries `webhookKey` (vendors that sign nothing). */
  keyParameter?: string;
}

/** Everything one CRM folder contributes: a new CRM is a new folder plus one registry line. */
export interface CrmModule {
  descriptor: CrmDescriptor;
  createAdapter: AdapterFactory;
  startEmulator(options?: EmulatorStartOptions): Promise<RunningEmulator>;
  webhooks?: WebhookVerifier;
  /** How a person consents to Junction in the CRM (authorization code + PKCE), for CRMs that offer it. */
  consent?: ConsentProtocol;
}
