import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Junction's store. Upserts are keyed by the unique indexes created here (STYLE.md §10):
 * one source link per (connection, remote type, remote id), one pending outbox row per
 * (connection, record), one error-log row per (connection, fingerprint).
 */
export class InitialSchema1732600000000 implements MigrationInterface {
  name = 'InitialSchema1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('SALESFORCE','HUBSPOT','DYNAMICS')),
        base_url text NOT NULL,
        api_version text NOT NULL,
        credentials_sealed text NOT NULL,
        status text NOT NULL DEFAULT 'HEALTHY' CHECK (status IN ('HEALTHY','DEGRADED','FAILING','PAUSED')),
        status_reason text,
        circuit text NOT NULL DEFAULT 'CLOSED' CHECK (circuit IN ('CLOSED','OPEN','HALF_OPEN')),
        enabled boolean NOT NULL DEFAULT true,
        token_expires_at timestamptz,
        last_successful_sync_at timestamptz,
        api_used integer,
        api_limit integer,
        api_resets_at timestamptz,
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE companies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text,
        name_key text,
        domain text,
        country text,
        custom jsonb NOT NULL DEFAULT '{}',
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX companies_name_key ON companies (name_key) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX companies_domain ON companies (domain) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text,
        first_name text,
        last_name text,
        phone text,
        title text,
        linkedin_url text,
        city text,
        state text,
        country text,
        postal_code text,
        lifecycle_stage text NOT NULL DEFAULT 'CONTACT',
        company_id uuid REFERENCES companies(id) ON DELETE SET NULL,
        custom jsonb NOT NULL DEFAULT '{}',
        verified_fields text[] NOT NULL DEFAULT '{}',
        merged_into uuid REFERENCES contacts(id) ON DELETE SET NULL,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX contacts_email ON contacts (email) WHERE merged_into IS NULL`);
    await q.query(`CREATE INDEX contacts_company ON contacts (company_id)`);
    await q.query(`CREATE INDEX contacts_updated ON contacts (updated_at, id)`);
    await q.query(`
      CREATE TABLE source_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        record_kind text NOT NULL CHECK (record_kind IN ('CONTACT','COMPANY')),
        record_id uuid NOT NULL,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        remote_type text NOT NULL,
        remote_id text NOT NULL,
        remote_updated_at timestamptz,
        last_synced_at timestamptz NOT NULL DEFAULT now(),
        content_hash text,
        CONSTRAINT source_links_remote UNIQUE (connection_id, remote_type, remote_id)
      )`);
    await q.query(`CREATE INDEX source_links_record ON source_links (record_id)`);
    await q.query(`
      CREATE TABLE sync_cursors (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        remote_type text NOT NULL,
        cursor text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, remote_type)
      )`);
    await q.query(`
      CREATE TABLE sync_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('INCREMENTAL','BULK','TEST_BATCH')),
        status text NOT NULL CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','PARTIAL','FAILED','INTERRUPTED')),
        dry_run boolean NOT NULL DEFAULT false,
        started_at timestamptz,
        finished_at timestamptz,
        heartbeat_at timestamptz,
        worker_id text,
        progress double precision NOT NULL DEFAULT 0,
        records_read integer NOT NULL DEFAULT 0,
        records_written integer NOT NULL DEFAULT 0,
        records_failed integer NOT NULL DEFAULT 0,
        records_quarantined integer NOT NULL DEFAULT 0,
        api_calls integer NOT NULL DEFAULT 0,
        planned_changes jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sync_runs_connection ON sync_runs (connection_id, created_at DESC)`);
    // One active run per connection, whatever the number of instances.
    await q.query(`CREATE UNIQUE INDEX sync_runs_one_active ON sync_runs (connection_id) WHERE status IN ('QUEUED','RUNNING')`);
    await q.query(`
      CREATE TABLE sync_errors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid REFERENCES connections(id) ON DELETE CASCADE,
        run_id uuid,
        fingerprint text NOT NULL,
        error_class text NOT NULL,
        code text NOT NULL,
        message text NOT NULL,
        endpoint text,
        record_ids text[] NOT NULL DEFAULT '{}',
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        occurrences integer NOT NULL DEFAULT 1,
        attempts integer NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE UNIQUE INDEX sync_errors_fingerprint ON sync_errors (coalesce(connection_id, '00000000-0000-0000-0000-000000000000'::uuid), fingerprint)`);
    await q.query(`
      CREATE TABLE quarantine (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid REFERENCES connections(id) ON DELETE CASCADE,
        record_kind text NOT NULL,
        remote_type text,
        remote_id text,
        payload jsonb NOT NULL,
        issues jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','RESOLVED','DISCARDED')),
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX quarantine_pending_remote ON quarantine (connection_id, remote_type, remote_id) WHERE status = 'PENDING' AND remote_id IS NOT NULL AND remote_id <> ''`);
    await q.query(`
      CREATE TABLE field_owners (
        record_kind text NOT NULL,
        field text NOT NULL,
        owner_connection_id uuid REFERENCES connections(id) ON DELETE CASCADE,
        PRIMARY KEY (record_kind, field)
      )`);
    await q.query(`
      CREATE TABLE field_provenance (
        record_id uuid NOT NULL,
        field text NOT NULL,
        value jsonb,
        connection_id uuid REFERENCES connections(id) ON DELETE SET NULL,
        changed_at timestamptz NOT NULL,
        PRIMARY KEY (record_id, field)
      )`);
    await q.query(`
      CREATE TABLE validation_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        record_kind text NOT NULL,
        field text NOT NULL,
        rule text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE merges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        master_id uuid NOT NULL,
        merged_ids uuid[] NOT NULL,
        snapshot jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        undone_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('VIEWER','PARTNER','OPERATOR','ADMIN')),
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        severity text NOT NULL,
        connection_id uuid REFERENCES connections(id) ON DELETE CASCADE,
        dedupe_key text NOT NULL,
        message text NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX alerts_active ON alerts (dedupe_key) WHERE resolved_at IS NULL`);
    // Transactional outbox: a unified change and its pending deliveries commit together.
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        record_kind text NOT NULL,
        record_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- When the change happened in its source CRM: delivered_at minus this is the sync latency.
        source_changed_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        delivered_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX outbox_pending ON outbox (connection_id, record_kind, record_id) WHERE delivered_at IS NULL`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        request_hash text NOT NULL,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['idempotency_keys', 'outbox', 'alerts', 'api_keys', 'merges', 'validation_rules', 'field_provenance', 'field_owners', 'quarantine', 'sync_errors', 'sync_runs', 'sync_cursors', 'source_links', 'contacts', 'companies', 'connections'])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
