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
}

/** Everything one CRM folder contributes: a new CRM is a new folder plus one registry line. */
export interface CrmModule {
  descriptor: CrmDescriptor;
  createAdapter: AdapterFactory;
  startEmulator(options?: EmulatorStartOptions): Promise<RunningEmulator>;
}
