import type { CrmKind } from '../system-api';
import type { DemoPerson } from '../demo-data/people';
import type { EmulatorServer } from './server';

/** A started emulator, as the launcher and tests hold it. */
export interface RunningEmulator {
  readonly kind: CrmKind;
  readonly url: string;
  readonly server: EmulatorServer;
  /** Stores demo people in the vendor's own shapes (with fresh modification stamps). */
  seed(people: DemoPerson[]): void;
  /** The org's field definitions, as an admin changes them in the vendor's setup UI. */
  readonly fields?: FieldControl;
  close(): Promise<void>;
}

/**
 * Schema changes for tests: define a custom field, delete one (schema drift) and undelete it.
 * Object names are the vendor's (`Contact`, `contacts`); each returns false when nothing changed.
 */
export interface FieldControl {
  define(object: string, field: string): boolean;
  drop(object: string, field: string): boolean;
  restore(object: string, field: string): boolean;
}

export interface EmulatorStartOptions {
  /** 0 picks a free port. */
  port?: number;
  /** The org's settings from the start, as `POST /_emulator/settings` takes them (e.g. Salesforce's `statePicklists`). */
  settings?: Record<string, unknown>;
  /** Start with Junction's fields in place (the tests' shortcut); by default the org is fresh, as a real one is. */
  provisioned?: boolean;
}
