import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Field provenance as one row per record (a jsonb document: field → value, connection, time)
 * instead of one row per field. Ingest wrote ~10 provenance rows per person, each with its own
 * primary-key entry and foreign-key check: the largest single cost of a page (BENCHMARKS.md,
 * issue 20). A document per record is one index entry.
 *
 * `field_provenance` stays, as a view with the same columns, so per-field provenance is read
 * (and, through INSTEAD OF triggers, written) as before: a row written through it merges its
 * field into the record's document; a row deleted through it takes its field out. The foreign
 * key to connections goes: connections are only ever soft-deleted, and a document holds the
 * connection id as text.
 */
/** One field's entry in a document: its value (absent when SQL NULL), connection and time. */
const ENTRY = (value: string, connection: string, at: string) =>
  `(CASE WHEN ${value} IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('v', ${value}) END || jsonb_build_object('c', ${connection}, 'at', ${at}))`;

export class RecordProvenance1732700000044 implements MigrationInterface {
  name = 'RecordProvenance1732700000044';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE record_provenance (record_id uuid PRIMARY KEY, fields jsonb NOT NULL)`);
    await q.query(
      `INSERT INTO record_provenance (record_id, fields)
       SELECT record_id, jsonb_object_agg(field, ${ENTRY('value', 'connection_id', 'changed_at')}) FROM field_provenance GROUP BY record_id`,
    );
    await q.query(`DROP TABLE field_provenance`);
    await q.query(
      `CREATE VIEW field_provenance AS
       SELECT p.record_id, e.key AS field, e.value -> 'v' AS value, (e.value ->> 'c')::uuid AS connection_id, (e.value ->> 'at')::timestamptz AS changed_at
       FROM record_provenance p CROSS JOIN LATERAL jsonb_each(p.fields) e`,
    );
    await q.query(
      `CREATE FUNCTION field_provenance_write() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           UPDATE record_provenance SET fields = fields - OLD.field WHERE record_id = OLD.record_id;
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           INSERT INTO record_provenance (record_id, fields)
           VALUES (NEW.record_id, jsonb_build_object(NEW.field, ${ENTRY('NEW.value', 'NEW.connection_id', 'NEW.changed_at')}))
           ON CONFLICT (record_id) DO UPDATE SET fields = record_provenance.fields || EXCLUDED.fields;
           RETURN NEW;
         END IF;
         RETURN OLD;
       END $$`,
    );
    await q.query(`CREATE TRIGGER field_provenance_write INSTEAD OF INSERT OR UPDATE OR DELETE ON field_provenance FOR EACH ROW EXECUTE FUNCTION field_provenance_write()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE field_provenance_rows AS SELECT * FROM field_provenance`);
    await q.query(`DROP VIEW field_provenance`);
    await q.query(`DROP FUNCTION field_provenance_write()`);
    await q.query(`DROP TABLE record_provenance`);
    await q.query(`ALTER TABLE field_provenance_rows RENAME TO field_provenance`);
    await q.query(`ALTER TABLE field_provenance ALTER COLUMN record_id SET NOT NULL, ALTER COLUMN field SET NOT NULL, ALTER COLUMN changed_at SET NOT NULL, ADD PRIMARY KEY (record_id, field)`);
    await q.query(`ALTER TABLE field_provenance ADD FOREIGN KEY (connection_id) REFERENCES connections(id) ON DELETE SET NULL`);
  }
}
