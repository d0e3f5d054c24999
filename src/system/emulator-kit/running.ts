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
  close(): Promise<void>;
}

export interface EmulatorStartOptions {
  /** 0 picks a free port. */
  port?: number;
}
