/** Everything one Dataverse emulator holds, handed to each route module. */
import type { EmulatorContext } from '../../emulator-kit';
import { MonotonicStamp } from '../../emulator-kit';
import { randomUUID } from 'node:crypto';
import { DATAVERSE_ENTITIES, type DataverseEntitySet } from '../descriptor';
import { COLUMNS, JUNCTION_COLUMNS, type ColumnType } from './columns';
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
  /** Each table's alternate keys by lower-cased SchemaName (routes-keys.ts). */
  keys: Record<DataverseEntitySet, Map<string, AlternateKey>>;
}

/** An alternate key's definition; its index builds asynchronously (Pending → InProgress → Active). */
export interface AlternateKey {
  SchemaName: string;
  LogicalName: string;
  KeyAttributes: string[];
  EntityKeyIndexStatus: 'Pending' | 'InProgress' | 'Active' | 'Failed';
  MetadataId: string;
}

/** The name of the alternate key on junction_id that a provisioned org holds. */
export const junctionKeyName = (logicalName: string): string => `junction_${logicalName}_junctionid_key`;

/**
 * Back to a fresh org's schema: standard columns only, no alternate key. `provisioned` adds
 * Junction's columns and the junction_id key, Active (the tests' shortcut).
 */
export function resetSchema(state: DataverseState, provisioned: boolean): void {
  for (const set of Object.keys(COLUMNS) as DataverseEntitySet[]) {
    state.columns[set] = { ...COLUMNS[set], ...(provisioned ? JUNCTION_COLUMNS : {}) };
    state.droppedColumns[set].clear();
    state.keys[set].clear();
    if (!provisioned) continue;
    const logical = DATAVERSE_ENTITIES[set].logicalName;
    const name = junctionKeyName(logical);
    state.keys[set].set(name, { SchemaName: name, LogicalName: name, KeyAttributes: ['junction_id'], EntityKeyIndexStatus: 'Active', MetadataId: randomUUID() });
  }
}

/** Whether `column` is the column of an Active alternate key of the table (rows may be addressed by it). */
export function isActiveKey(state: DataverseState, set: DataverseEntitySet, column: string): boolean {
  return [...state.keys[set].values()].some((k) => k.EntityKeyIndexStatus === 'Active' && k.KeyAttributes.length === 1 && k.KeyAttributes[0] === column);
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
    keys: { contacts: new Map(), accounts: new Map(), leads: new Map() },
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
