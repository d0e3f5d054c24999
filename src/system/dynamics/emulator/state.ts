/** Everything one Dataverse emulator holds, handed to each route module. */
import type { EmulatorContext } from '../../emulator-kit';
import { MonotonicStamp } from '../../emulator-kit';
import type { DataverseEntitySet } from '../descriptor';
import { COLUMNS, type ColumnType } from './columns';
import { EntityStore, VersionCounter } from './store';
import { WebhookPublisher } from './webhooks';

export interface DataverseState {
  ctx: EmulatorContext;
  versions: VersionCounter;
  stores: Record<DataverseEntitySet, EntityStore>;
  /** Each table's columns: the standard ones plus custom columns created through the metadata API. */
  columns: Record<DataverseEntitySet, Record<string, ColumnType>>;
  /** Deleted columns (schema drift in tests), kept so a restore brings them back with their values. */
  droppedColumns: Record<DataverseEntitySet, Map<string, ColumnType>>;
  webhooks: WebhookPublisher;
}

export function createState(ctx: EmulatorContext): DataverseState {
  const stamps = new MonotonicStamp(ctx.clock);
  const versions = new VersionCounter();
  const webhooks = new WebhookPublisher(ctx);
  const stores = {
    contacts: new EntityStore('contacts', stamps, versions),
    accounts: new EntityStore('accounts', stamps, versions),
    leads: new EntityStore('leads', stamps, versions),
  };
  for (const store of Object.values(stores)) store.onChange = (message, row) => webhooks.record({ message, set: store.set, row });
  return {
    ctx,
    versions,
    stores,
    columns: { contacts: { ...COLUMNS.contacts }, accounts: { ...COLUMNS.accounts }, leads: { ...COLUMNS.leads } },
    droppedColumns: { contacts: new Map(), accounts: new Map(), leads: new Map() },
    webhooks,
  };
}

/** Takes every table's snapshot, for an atomic change set. */
export function snapshotAll(state: DataverseState): () => void {
  const saved = Object.values(state.stores).map((store) => [store, store.snapshot()] as const);
  return () => {
    for (const [store, snap] of saved) store.restore(snap);
    // Rowversions stay consumed, as in SQL: a rolled-back change set leaves gaps, never reuse.
  };
}
