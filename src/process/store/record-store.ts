/**
 * The unified records' store moved to store/records/ (columns, records and provenance, the
 * outbox enqueue, source links, companies); this path stays for the modules that still import it here.
 */
export * from './records/company.repository';
export * from './records/outbox-enqueue.repository';
export * from './records/record-columns';
export * from './records/source-link.repository';
export * from './records/unified-record.repository';
