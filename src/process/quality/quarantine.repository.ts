/** The quarantine queue's store moved to store/quality/; this path stays for sync/inbound, which still imports it here. */
export { quarantineRecord, resolveQuarantined, type QuarantineInput } from '../store/quality/quarantine.repository';
