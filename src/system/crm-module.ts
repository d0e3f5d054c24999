import type { EmulatorStartOptions, RunningEmulator } from './emulator-kit/running';
import type { AdapterFactory, CrmKind } from './system-api';

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
}

/** A change notification as it arrived over HTTP, before anyone trusts it. */
export interface WebhookRequest {
  method: string;
  /** The full URL the vendor posted to (what it signed). */
  url: string;
  rawBody: string;
  headers: Record<string, string | undefined>;
}

export type WebhookVerdict = { ok: true; remoteTypes: string[] } | { ok: false; reason: string };

/** How a CRM signs its change notifications, for CRMs that send them. */
export interface WebhookVerifier {
  /** Checks signature and freshness; names the objects the notification says changed. */
  verify(request: WebhookRequest, clientSecret: string, now: number): WebhookVerdict;
  /** A value unique to one delivery, so a replay can be recognized. */
  deliveryId(request: WebhookRequest): string;
}

/** Everything one CRM folder contributes: a new CRM is a new folder plus one registry line. */
export interface CrmModule {
  descriptor: CrmDescriptor;
  createAdapter: AdapterFactory;
  startEmulator(options?: EmulatorStartOptions): Promise<RunningEmulator>;
  webhooks?: WebhookVerifier;
}
