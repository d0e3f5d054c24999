/** SqlParams moved to the store's read models; this path stays for the modules that still import it here. */
export { SqlParams } from '../store/read-models/sql';
