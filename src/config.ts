/**
 * Junction's configuration: one zod schema over the environment (SPEC §5), parsed once at
 * start-up. Nothing else reads `process.env`. A bad value stops start-up with one message
 * that names every problem.
 */
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { HOST_PATTERN, registeredCrms, type CrmHostPolicy, type CrmKind } from './system';
import { QUARTERLY, scheduleProblem } from './process/audit/audit-schedule';

/** A registered CRM's kind in lower case, as JUNCTION_EMULATORS names it. */
export type EmulatorName = Lowercase<CrmKind>;
const emulatorNames = (): EmulatorName[] => registeredCrms().map((k) => k.toLowerCase() as EmulatorName);

const intFrom = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

/** An IP address, a CIDR range (`10.0.0.0/8`, `fd00::/8`) or a proxy-addr name (loopback, linklocal, uniquelocal). */
const isProxyAddress = (entry: string): boolean => {
  try {
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false;
  }
};
/** A comma-separated list of host names (`*.` before one allows its subdomains). */
const hostList = (name: string) =>
  z
    .string()
    .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((h) => HOST_PATTERN.test(h)), `${name} must be a comma-separated list of host names such as api.example.com or *.example.com`);

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test'], 'NODE_ENV must be one of development, production, test').default('development'),
    PORT: intFrom('PORT', 1, 65535).default(4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, 'DATABASE_URL must be a postgres:// URL')
      .optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/.+/, 'REDIS_URL must be a redis:// URL')
      .optional(),
    JUNCTION_ADMIN_KEY: z.string().min(24, 'JUNCTION_ADMIN_KEY must be at least 24 characters').optional(),
    JUNCTION_MASTER_KEY: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, 'JUNCTION_MASTER_KEY must be 32 bytes as 64 hex characters or base64')
      .optional(),
    /** Only for `npm run rotate-master-key`: the key every credential is re-sealed under. */
    JUNCTION_NEW_MASTER_KEY: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, 'JUNCTION_NEW_MASTER_KEY must be 32 bytes as 64 hex characters or base64')
      .optional(),
    JUNCTION_ROLE: z.enum(['api', 'worker', 'all'], 'JUNCTION_ROLE must be one of api, worker, all').default('all'),
    // Unset: all emulators outside production, none in production (their connections use the public sandbox secret).
    JUNCTION_EMULATORS: z
      .string()
      .optional()
      .transform((v) => v ?? '')
      .transform((v) => v.trim().toLowerCase())
      .superRefine((v, ctx) => {
        if (['', 'all', 'none', 'external'].includes(v) || v.split(',').every((p) => (emulatorNames() as string[]).includes(p.trim()))) return;
        ctx.addIssue({ code: 'custom', message: `JUNCTION_EMULATORS must be all, none, external or a list of ${emulatorNames().join(', ')}` });
      }),
    JUNCTION_EMULATOR_PORTS: z.enum(['fixed', 'free'], 'JUNCTION_EMULATOR_PORTS must be fixed or free').default('fixed'),
    JUNCTION_SEED: intFrom('JUNCTION_SEED', 0, 1_000_000).default(200),
    JUNCTION_SYNC_INTERVAL_MS: intFrom('JUNCTION_SYNC_INTERVAL_MS', 500, 86_400_000).default(15_000),
    JUNCTION_DATA_DIR: z.string().min(1).default('.junction'),
    // Where people reach this Junction: the CRMs send them back to {JUNCTION_PUBLIC_URL}/oauth/callback after consent.
    JUNCTION_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'JUNCTION_PUBLIC_URL must be an http(s) URL such as https://junction.example.com' }).optional(),
    JUNCTION_ALERT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'JUNCTION_ALERT_WEBHOOK_URL must be an http(s) URL' }).optional(),
    JUNCTION_ALERT_WEBHOOK_SECRET: z.string().min(16, 'JUNCTION_ALERT_WEBHOOK_SECRET must be at least 16 characters').optional(),
    JUNCTION_ALERT_SLACK_URL: z.url({ protocol: /^https?$/, error: 'JUNCTION_ALERT_SLACK_URL must be an http(s) URL (a Slack-compatible incoming webhook)' }).optional(),
    JUNCTION_CORS_ORIGINS: z
      .string()
      .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
      .refine((list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), 'JUNCTION_CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com (scheme and host, no path)')
      .optional(),
    JUNCTION_AUTH_MAX_FAILURES: intFrom('JUNCTION_AUTH_MAX_FAILURES', 1, 1_000_000).default(10),
    JUNCTION_AUTH_FAILURE_WINDOW_SECONDS: intFrom('JUNCTION_AUTH_FAILURE_WINDOW_SECONDS', 1, 86_400).default(300),
    JUNCTION_TRUSTED_PROXIES: z
      .string()
      .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean))
      .superRefine((list, ctx) => {
        const bad = list.filter((p) => !isProxyAddress(p));
        if (bad.length > 0)
          ctx.addIssue({ code: 'custom', message: `JUNCTION_TRUSTED_PROXIES must list IP addresses or CIDR ranges (or loopback, linklocal, uniquelocal); not ${bad.join(', ')}` });
      })
      .optional(),
    JUNCTION_MAX_QUERY_DEPTH: intFrom('JUNCTION_MAX_QUERY_DEPTH', 2, 100).default(10),
    JUNCTION_MAX_QUERY_COST: intFrom('JUNCTION_MAX_QUERY_COST', 10, 1_000_000).default(5000),
    JUNCTION_MAX_QUERY_ALIASES: intFrom('JUNCTION_MAX_QUERY_ALIASES', 0, 1000).default(15),
    JUNCTION_MAX_QUERY_RECORDS: intFrom('JUNCTION_MAX_QUERY_RECORDS', 100, 10_000_000).default(20_000),
    JUNCTION_CRM_ALLOW_LOOPBACK: z.enum(['true', 'false'], 'JUNCTION_CRM_ALLOW_LOOPBACK must be true or false').optional(),
    JUNCTION_REQUEST_TIMEOUT_MS: intFrom('JUNCTION_REQUEST_TIMEOUT_MS', 1000, 600_000).default(30_000),
    /** 0 turns a statement timeout off. */
    JUNCTION_API_STATEMENT_TIMEOUT_MS: intFrom('JUNCTION_API_STATEMENT_TIMEOUT_MS', 0, 3_600_000).default(5_000),
    JUNCTION_SYNC_STATEMENT_TIMEOUT_MS: intFrom('JUNCTION_SYNC_STATEMENT_TIMEOUT_MS', 0, 86_400_000).default(0),
    JUNCTION_WS_MAX_SUBSCRIPTIONS: intFrom('JUNCTION_WS_MAX_SUBSCRIPTIONS', 1, 100_000).default(25),
    JUNCTION_WS_MAX_SOCKETS_PER_KEY: intFrom('JUNCTION_WS_MAX_SOCKETS_PER_KEY', 1, 100_000).default(20),
    JUNCTION_AUDIT_SCHEDULE: z
      .string()
      .transform((v) => v.trim())
      .superRefine((v, ctx) => {
        const problem = v.toLowerCase() === 'off' ? null : scheduleProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: `JUNCTION_AUDIT_SCHEDULE must be a cron expression in UTC (five fields) or off: ${problem}` });
      })
      .optional(),
    /** Only for `npm run audit`: the running Junction to ask, and an ADMIN key for it. */
    JUNCTION_API_URL: z.url({ protocol: /^https?$/, error: 'JUNCTION_API_URL must be an http(s) URL such as http://localhost:4000' }).optional(),
    JUNCTION_API_KEY: z.string().min(1).optional(),
    JUNCTION_METRICS_KEY: z.string().min(24, 'JUNCTION_METRICS_KEY must be at least 24 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent').default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JUNCTION_MASTER_KEY)
      ctx.addIssue({ code: 'custom', path: ['JUNCTION_MASTER_KEY'], message: 'JUNCTION_MASTER_KEY is required when NODE_ENV=production' });
    if (env.JUNCTION_ALERT_WEBHOOK_URL && !env.JUNCTION_ALERT_WEBHOOK_SECRET)
      ctx.addIssue({ code: 'custom', path: ['JUNCTION_ALERT_WEBHOOK_SECRET'], message: 'JUNCTION_ALERT_WEBHOOK_SECRET is required with JUNCTION_ALERT_WEBHOOK_URL (webhooks are signed)' });
  });

/** JUNCTION_CRM_HOSTS_<KIND>, one for every registered CRM (src/system/registry.ts). */
const CRM_HOSTS_PREFIX = 'JUNCTION_CRM_HOSTS_';
const crmHostsSchema = () => z.object(Object.fromEntries(registeredCrms().map((kind) => [`${CRM_HOSTS_PREFIX}${kind}`, hostList(`${CRM_HOSTS_PREFIX}${kind}`).optional()])));

export interface JunctionConfig {
  env: 'development' | 'production' | 'test';
  /** `publicUrl`: JUNCTION_PUBLIC_URL without trailing slashes; unset: http://localhost:{the bound port}. */
  http: { port: number; host: string; publicUrl?: string };
  /** `statementTimeoutMs`: per statement, 0 for none; the API's on its own pool (src/process/store/api-pool.ts). */
  database: { url?: string; embeddedDir: string; statementTimeoutMs: { api: number; sync: number } };
  redisUrl?: string;
  adminKey?: string;
  masterKey?: string;
  /** The key `npm run rotate-master-key` rotates to. */
  newMasterKey?: string;
  role: { api: boolean; worker: boolean };
  /** `freePorts`: in-process emulators on any free ports instead of 4101… (several Junctions on one host). */
  emulators: { mode: 'start' | 'external' | 'none'; crms: EmulatorName[]; freePorts: boolean };
  seedPerEmulator: number;
  syncIntervalMs: number;
  /** When audits run on their own: a cron expression in UTC; null: never. */
  auditSchedule: string | null;
  /** What `npm run audit` talks to (JUNCTION_API_URL, JUNCTION_API_KEY). */
  auditCli: { apiUrl?: string; apiKey?: string };
  dataDir: string;
  logLevel: string;
  /** Query limits, bad-key throttle, CORS and timeouts (src/experience/security). */
  security: {
    corsOrigins: string[];
    authThrottle: { maxFailures: number; windowMs: number };
    /** Peers whose X-Forwarded-For names the client (reverse proxies); none: the peer is the client. */
    trustedProxies: string[];
    queryLimits: { maxDepth: number; maxCost: number; maxAliases: number; maxRecords: number };
    requestTimeoutMs: number;
    /** Hosts each CRM's credentials may go to (unset: the CRM's own host family) and whether loopback may. */
    crmHosts: CrmHostPolicy;
    /** graphql-ws: operations open on one socket, and sockets open under one API key. */
    subscriptions: { maxPerSocket: number; maxSocketsPerKey: number };
    /** Bearer key for /metrics from anywhere but loopback; without one, only loopback may scrape. */
    metricsKey?: string;
  };
  /** Where alerts are POSTed, signed with HMAC-SHA256 of the body under the secret. */
  alertWebhook?: { url: string; secret: string };
  /** A Slack-compatible incoming webhook alerts are posted to as text (the URL is the secret: never logged). */
  alertSlackUrl?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Junction cannot start: bad configuration — ${problems.join('; ')}`);
  }
}

/** Parses the environment into the typed config, or throws one ConfigError naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): JunctionConfig {
  // Empty strings mean "unset", as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const hostLists = crmHostsSchema().safeParse(cleaned);
  if (!parsed.success || !hostLists.success) {
    const issues = [...(parsed.error?.issues ?? []), ...(hostLists.error?.issues ?? [])];
    throw new ConfigError(issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const crmHosts = Object.entries(hostLists.data).flatMap(([name, hosts]) => (hosts ? [[name.slice(CRM_HOSTS_PREFIX.length), hosts] as const] : []));
  const emulators = e.JUNCTION_EMULATORS || (e.NODE_ENV === 'production' ? 'none' : 'all');
  const emulatorsMode = emulators === 'none' ? 'none' : emulators === 'external' ? 'external' : 'start';
  const crms = emulators === 'all' || emulatorsMode !== 'start' ? emulatorNames() : (emulators.split(',').map((p) => p.trim()) as EmulatorName[]);
  return {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, publicUrl: e.JUNCTION_PUBLIC_URL?.replace(/\/+$/, '') },
    database: {
      url: e.DATABASE_URL,
      embeddedDir: `${e.JUNCTION_DATA_DIR}/pgdata`,
      statementTimeoutMs: { api: e.JUNCTION_API_STATEMENT_TIMEOUT_MS, sync: e.JUNCTION_SYNC_STATEMENT_TIMEOUT_MS },
    },
    redisUrl: e.REDIS_URL,
    adminKey: e.JUNCTION_ADMIN_KEY,
    masterKey: e.JUNCTION_MASTER_KEY,
    newMasterKey: e.JUNCTION_NEW_MASTER_KEY,
    role: { api: e.JUNCTION_ROLE !== 'worker', worker: e.JUNCTION_ROLE !== 'api' },
    emulators: { mode: emulatorsMode, crms: emulatorsMode === 'none' ? [] : crms, freePorts: e.JUNCTION_EMULATOR_PORTS === 'free' },
    seedPerEmulator: e.JUNCTION_SEED,
    syncIntervalMs: e.JUNCTION_SYNC_INTERVAL_MS,
    auditSchedule: e.JUNCTION_AUDIT_SCHEDULE === undefined ? QUARTERLY : e.JUNCTION_AUDIT_SCHEDULE.toLowerCase() === 'off' ? null : e.JUNCTION_AUDIT_SCHEDULE,
    auditCli: { apiUrl: e.JUNCTION_API_URL, apiKey: e.JUNCTION_API_KEY },
    dataDir: e.JUNCTION_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    security: {
      corsOrigins: e.JUNCTION_CORS_ORIGINS ?? [],
      authThrottle: { maxFailures: e.JUNCTION_AUTH_MAX_FAILURES, windowMs: e.JUNCTION_AUTH_FAILURE_WINDOW_SECONDS * 1000 },
      trustedProxies: e.JUNCTION_TRUSTED_PROXIES ?? [],
      queryLimits: { maxDepth: e.JUNCTION_MAX_QUERY_DEPTH, maxCost: e.JUNCTION_MAX_QUERY_COST, maxAliases: e.JUNCTION_MAX_QUERY_ALIASES, maxRecords: e.JUNCTION_MAX_QUERY_RECORDS },
      requestTimeoutMs: e.JUNCTION_REQUEST_TIMEOUT_MS,
      crmHosts: {
        hosts: Object.fromEntries(crmHosts),
        // Loopback is for the emulators: allowed outside production, and in production only while emulators are configured.
        allowLoopback: e.JUNCTION_CRM_ALLOW_LOOPBACK ? e.JUNCTION_CRM_ALLOW_LOOPBACK === 'true' : e.NODE_ENV !== 'production' || emulatorsMode !== 'none',
      },
      subscriptions: { maxPerSocket: e.JUNCTION_WS_MAX_SUBSCRIPTIONS, maxSocketsPerKey: e.JUNCTION_WS_MAX_SOCKETS_PER_KEY },
      metricsKey: e.JUNCTION_METRICS_KEY,
    },
    alertWebhook: e.JUNCTION_ALERT_WEBHOOK_URL && e.JUNCTION_ALERT_WEBHOOK_SECRET ? { url: e.JUNCTION_ALERT_WEBHOOK_URL, secret: e.JUNCTION_ALERT_WEBHOOK_SECRET } : undefined,
    alertSlackUrl: e.JUNCTION_ALERT_SLACK_URL,
  };
}
