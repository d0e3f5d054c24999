import { InitialSchema1732600000000 } from './1732600000000-initial-schema';

/** Every migration, in order. Listed explicitly so builds and tests need no glob loading. */
export const MIGRATIONS = [InitialSchema1732600000000];
