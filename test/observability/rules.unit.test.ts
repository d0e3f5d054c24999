/** The pure parts, table by table: windows, connection status, alert rules at their edges, the audit plan. */
import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/process/alerts/alert-checks';
import { DEFAULT_RULES, ruleSet } from '../../src/process/alerts/alert-rules';
import { auditPlan, type PlanInputs } from '../../src/process/audit/audit-plan';
import { connectionHealth, healthReport } from '../../src/process/health/health-report';
import type { ConnectionFacts, HealthSnapshot } from '../../src/process/health/health-snapshot';
import { parseWindow } from '../../src/process/health/window';

const NOW = new Date('2024-06-01T12:00:00Z');
const MIN = 60_000;

function facts(patch: Partial<ConnectionFacts> = {}): ConnectionFacts {
  return {
    id: 'c1', name: 'sf', kind: 'SALESFORCE', status: 'HEALTHY', circuit: 'CLOSED', enabled: true, createdAt: new Date(NOW.getTime() - 86_400_000),
    tokenExpiresAt: null, refreshTokenExpiresAt: null, credentialsExpireAt: null, credentialsRefusedAt: null, statusReason: null, lastSuccessfulSyncAt: NOW, apiUsed: null, apiLimit: null, lastRunStatus: 'SUCCEEDED',
    runs: { finished: 100, succeeded: 100, failed: 0 }, records: { processed: 1000, failed: 0, quarantined: 0 },
    latency: { p50Ms: null, p95Ms: null, deliveries: 0 }, errorsByClass: [], callFailures: [], quarantineSize: 0, oldestQuarantinedAt: null, schemaDriftSeenAt: null,
    syncBlock: null,
    ...patch,
  };
}
const snapshot = (...connections: ConnectionFacts[]): HealthSnapshot => ({ at: NOW, windowMs: 3_600_000, connections, latency: { p50Ms: null, p95Ms: null, deliveries: 0 }, quarantineSize: 0 });
const kinds = (c: ConnectionFacts) => evaluateAlerts(snapshot(c), ruleSet(DEFAULT_RULES), NOW).map((a) => a.kind).sort();

describe('parseWindow', () => {
  it.each([
    ['1h', 3_600_000], ['30m', 1_800_000], ['24h', 86_400_000], ['7d', 604_800_000], [null, 86_400_000], ['0h', undefined], ['91d', undefined], ['1w', undefined], ['h', undefined],
  ])('%s → %s', (text, ms) => expect(parseWindow(text)).toBe(ms));
});

describe('connection status', () => {
  it.each<[string, Partial<ConnectionFacts>, string]>([
    ['all good', {}, 'HEALTHY'],
    ['last run failed', { lastRunStatus: 'FAILED' }, 'FAILING'],
    ['circuit open', { circuit: 'OPEN' }, 'FAILING'],
    ['last run partial', { lastRunStatus: 'PARTIAL' }, 'DEGRADED'],
    ['98 % of runs succeeded', { runs: { finished: 100, succeeded: 98, failed: 2 } }, 'DEGRADED'],
    ['disabled', { enabled: false, lastRunStatus: 'FAILED' }, 'PAUSED'],
    ['nothing proved it yet', { status: 'UNKNOWN', lastRunStatus: null, runs: { finished: 0, succeeded: 0, failed: 0 } }, 'UNKNOWN'],
    ['not proven, and its first run failed', { status: 'UNKNOWN', lastRunStatus: 'FAILED' }, 'FAILING'],
    ['credentials refused', { status: 'FAILING', credentialsRefusedAt: NOW }, 'FAILING'],
    ['credentials refused, then paused by a person: still FAILING', { status: 'PAUSED', credentialsRefusedAt: NOW }, 'FAILING'],
    ['paused by a person', { status: 'PAUSED' }, 'PAUSED'],
  ])('%s → %s', (_name, patch, status) => expect(connectionHealth(facts(patch)).status).toBe(status));

  it('overall is the worst non-paused status', () => {
    expect(healthReport(snapshot(facts(), facts({ id: 'c2', lastRunStatus: 'PARTIAL' }), facts({ id: 'c3', enabled: false, circuit: 'OPEN' }))).status).toBe('DEGRADED');
    expect(healthReport(snapshot()).status).toBe('HEALTHY');
  });

  it('refused credentials make the overall status FAILING; an unproven connection keeps it from HEALTHY', () => {
    expect(healthReport(snapshot(facts(), facts({ id: 'c2', status: 'FAILING', credentialsRefusedAt: NOW }))).status).toBe('FAILING');
    expect(healthReport(snapshot(facts(), facts({ id: 'c2', status: 'PAUSED', credentialsRefusedAt: NOW }))).status).toBe('FAILING');
    expect(healthReport(snapshot(facts(), facts({ id: 'c2', status: 'UNKNOWN', lastRunStatus: null }))).status).toBe('UNKNOWN');
  });
});

describe('alert rules at their edges', () => {
  it.each<[string, Partial<ConnectionFacts>, string[]]>([
    ['nothing wrong', {}, []],
    ['exactly 1 % of runs failed: not above', { runs: { finished: 100, succeeded: 99, failed: 1 } }, []],
    ['1.1 % of records failed', { records: { processed: 1000, failed: 11, quarantined: 0 } }, ['FAILURE_RATE']],
    ['30 min since the last success: not yet', { lastSuccessfulSyncAt: new Date(NOW.getTime() - 30 * MIN) }, []],
    ['31 min since the last success', { lastSuccessfulSyncAt: new Date(NOW.getTime() - 31 * MIN) }, ['NO_RECENT_SYNC']],
    ['never synced, created an hour ago', { lastSuccessfulSyncAt: null, createdAt: new Date(NOW.getTime() - 60 * MIN) }, ['NO_RECENT_SYNC']],
    ['credentials expire in 6 days', { credentialsExpireAt: new Date(NOW.getTime() + 6 * 86_400_000) }, ['TOKEN_EXPIRING_7D']],
    ['credentials expire in 20 h', { credentialsExpireAt: new Date(NOW.getTime() + 20 * 3_600_000) }, ['TOKEN_EXPIRING_1D', 'TOKEN_EXPIRING_7D']],
    ['an access token expiring in 10 min is refreshed, not alerted', { tokenExpiresAt: new Date(NOW.getTime() + 10 * MIN) }, []],
    ['59.9 % of the API limit', { apiUsed: 599, apiLimit: 1000 }, []],
    ['60 % of the API limit', { apiUsed: 600, apiLimit: 1000 }, ['API_USAGE']],
    ['circuit half-open is not open', { circuit: 'HALF_OPEN' }, []],
    ['drift seen 23 h ago', { schemaDriftSeenAt: new Date(NOW.getTime() - 23 * 3_600_000) }, ['SCHEMA_DRIFT']],
    ['drift seen 25 h ago', { schemaDriftSeenAt: new Date(NOW.getTime() - 25 * 3_600_000) }, []],
    ['paused: no failure-rate or dead-man alert', { enabled: false, lastSuccessfulSyncAt: null, runs: { finished: 10, succeeded: 0, failed: 10 } }, []],
    ['credentials refused', { status: 'FAILING', credentialsRefusedAt: NOW }, ['CREDENTIALS']],
    ['credentials refused, paused by a person: the alert stays', { status: 'PAUSED', credentialsRefusedAt: NOW }, ['CREDENTIALS']],
    [
      'credentials refused an hour ago: failed runs, no sync and the ACCESS block are its echoes, not alerts of their own',
      {
        status: 'FAILING',
        credentialsRefusedAt: new Date(NOW.getTime() - 60 * MIN),
        lastSuccessfulSyncAt: new Date(NOW.getTime() - 90 * MIN),
        runs: { finished: 4, succeeded: 0, failed: 4 },
        syncBlock: { cause: 'ACCESS', reason: 'the CRM refused the credentials', records: [], blockedAt: new Date(NOW.getTime() - 60 * MIN) },
      },
      ['CREDENTIALS'],
    ],
    ['a test batch blocked for its mapping is news even with credentials refused', { credentialsRefusedAt: NOW, syncBlock: { cause: 'MAPPING', reason: 'x', records: [], blockedAt: NOW } }, ['CREDENTIALS', 'SYNC_BLOCKED']],
    ['97 % of runs succeeded, the rest partial: the warning band', { runs: { finished: 100, succeeded: 97, failed: 0 } }, ['SUCCESS_RATE_WARNING']],
    ['95 % of runs succeeded: still the warning band', { runs: { finished: 100, succeeded: 95, failed: 0 } }, ['SUCCESS_RATE_WARNING']],
    ['90 % of runs succeeded: the critical band speaks alone', { runs: { finished: 100, succeeded: 90, failed: 10 } }, ['FAILURE_RATE', 'SUCCESS_RATE_CRITICAL']],
    ['p95 latency exactly 5 min: not above', { latency: { p50Ms: 60_000, p95Ms: 5 * MIN, deliveries: 40 } }, []],
    ['p95 latency 6 min', { latency: { p50Ms: 60_000, p95Ms: 6 * MIN, deliveries: 40 } }, ['SYNC_LATENCY']],
    ['quarantined 6 days ago', { quarantineSize: 3, oldestQuarantinedAt: new Date(NOW.getTime() - 6 * 86_400_000) }, []],
    ['quarantined 8 days ago', { quarantineSize: 3, oldestQuarantinedAt: new Date(NOW.getTime() - 8 * 86_400_000) }, ['QUARANTINE_BACKLOG']],
    ['paused: no success-rate or latency alert', { enabled: false, runs: { finished: 10, succeeded: 5, failed: 0 }, latency: { p50Ms: 0, p95Ms: 60 * MIN, deliveries: 3 } }, []],
  ])('%s → %j', (_name, patch, expected) => expect(kinds(facts(patch))).toEqual(expected));

  it('uses configured thresholds and one dedupe key per rule and connection', () => {
    const rules = { ...DEFAULT_RULES, API_USAGE: { ...DEFAULT_RULES.API_USAGE, threshold: 0.9 } };
    expect(evaluateAlerts(snapshot(facts({ apiUsed: 800, apiLimit: 1000 })), ruleSet(rules), NOW)).toEqual([]);
    const [alert] = evaluateAlerts(snapshot(facts({ circuit: 'OPEN' })), ruleSet(DEFAULT_RULES), NOW);
    expect(alert).toMatchObject({ kind: 'CIRCUIT_OPEN', dedupeKey: 'CIRCUIT_OPEN:c1', connectionId: 'c1', severity: 'CRITICAL' });
  });

  it('warns of an API key expiring within 7 days, and keeps warning once it expired until someone revokes it', () => {
    const key = (days: number) => ({ id: 'k1', name: 'partner acme', role: 'PARTNER', expiresAt: new Date(NOW.getTime() + days * 86_400_000) });
    const keyAlerts = (days: number) => evaluateAlerts({ ...snapshot(facts()), expiringKeys: [key(days)] }, ruleSet(DEFAULT_RULES), NOW);
    expect(keyAlerts(8)).toEqual([]);
    expect(keyAlerts(6)).toEqual([expect.objectContaining({ kind: 'API_KEY_EXPIRING', connectionId: null, dedupeKey: 'API_KEY_EXPIRING:k1', message: expect.stringContaining('"partner acme" (PARTNER) expires in 6.0 days') })]);
    expect(keyAlerts(-1)[0]!.message).toMatch(/expired at .*refused/);
  });

  it("a connection's override wins over the global rule, and measures over its own window", () => {
    const slow = facts({ latency: { p50Ms: 0, p95Ms: 6 * MIN, deliveries: 10 } });
    const lenient = ruleSet(DEFAULT_RULES, new Map([['c1', { SYNC_LATENCY: { ...DEFAULT_RULES.SYNC_LATENCY, threshold: 10, channels: [] } }]]));
    expect(evaluateAlerts(snapshot(slow), lenient, NOW)).toEqual([]);
    expect(evaluateAlerts(snapshot(slow, facts({ id: 'c2', latency: slow.latency })), lenient, NOW).map((a) => a.connectionId)).toEqual(['c2']);
    // Over its 24 h window the same connection's runs look worse than over the last hour.
    const daily = ruleSet(DEFAULT_RULES, new Map([['c1', { SUCCESS_RATE_CRITICAL: { ...DEFAULT_RULES.SUCCESS_RATE_CRITICAL, windowMinutes: 1440 } }]]));
    const day = new Map([[1440, snapshot(facts({ runs: { finished: 100, succeeded: 80, failed: 0 } }))]]);
    const [alert] = evaluateAlerts(snapshot(facts()), daily, NOW, day);
    expect(alert).toMatchObject({ kind: 'SUCCESS_RATE_CRITICAL', connectionId: 'c1', message: expect.stringContaining('in the last 1440 min') });
  });
});

describe('audit plan', () => {
  const idleKey = (name: string) => ({ id: name, name, role: 'PARTNER', prefix: 'jk_abcde', createdAt: new Date(NOW.getTime() - 200 * 86_400_000), lastUsedAt: null, expiresAt: null });
  const base: PlanInputs = {
    now: NOW,
    dataQuality: { totalContacts: 100, duplicateRate: 0, missingRequiredRate: 0, invalidEmailRate: 0, staleRate: 0, staleDays: 180, counts: { duplicates: 0, missingRequired: 0, invalidEmails: 0, stale: 0 } },
    discrepancies: [],
    access: { apiKeysWithBroadRoles: 1, broadKeys: [], unusedKeys: [], failedAuthLast24h: 0 },
    tokens: [{ connectionId: 'c1', connectionName: 'sf', expiresAt: new Date(NOW.getTime() + 45 * 86_400_000), source: 'credentials' }],
    activeAlerts: 0,
  };
  it('a clean installation gets only the routine 90-day items (and the credential rotation)', () => {
    expect(auditPlan(base)).toEqual([
      { horizonDays: 60, action: expect.stringContaining('rotate the credentials') },
      { horizonDays: 90, action: expect.stringContaining('Run this audit again') },
    ]);
  });
  it('turns findings into actions, most urgent first', () => {
    const plan = auditPlan({
      ...base,
      discrepancies: [{ connectionId: 'c1', connectionName: 'sf', missingRemotely: 2, missingLocally: 0, fieldMismatches: 1, examples: [], error: null }],
      dataQuality: { ...base.dataQuality, duplicateRate: 0.05, staleRate: 0.5, counts: { ...base.dataQuality.counts, duplicates: 5, stale: 50 } },
      access: { ...base.access, unusedKeys: [idleKey('ci'), idleKey('old partner')] },
    });
    expect(plan.map((p) => p.horizonDays)).toEqual([30, 30, 30, 60, 60, 90, 90]);
    expect(plan[0]!.action).toContain('2 record(s)');
    expect(plan.find((p) => p.action.startsWith('Revoke'))?.action).toBe('Revoke 2 API key(s) unused for 90 days: ci (PARTNER, jk_abcde…), old partner (PARTNER, jk_abcde…).');
  });
});
