/**
 * What a person may give a connection, checked before anything is stored: its name, URL,
 * API version and operator settings (its credentials: credentials-input.ts). Each problem
 * names the input field, so the API can say which one is wrong.
 */
import { isLoopbackHost } from '../../system';
import { DELETE_PROPAGATION, type DeletePropagation } from '../sync/outbound/outbound-deletes';
import { isClockTime, isTimeZone, scheduleOf, type SyncSchedule, type SyncWindow } from './sync-schedule';

/** A value the connection cannot take; `field` is the input's path (`settings.rateLimit.requests`). */
export class ConnectionInputError extends Error {
  override readonly name = 'ConnectionInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Another live connection has that name already. */
export class ConnectionNameTakenError extends Error {
  override readonly name = 'ConnectionNameTakenError';
  constructor(readonly connectionName: string) {
    super(`a connection named "${connectionName}" exists already; change it with updateConnection, or choose another name`);
  }
}

/** The operator settings Junction reads from `connections.settings` (each optional; null clears it). */
export interface ConnectionSettingsPatch {
  /** The vendor's rate limit for this connection: calls are paced to it (limiter.ts). */
  rateLimit?: { requests: number; windowMs: number } | null;
  /** What a record deleted in the store becomes in this CRM (outbound-deletes.ts). */
  deletePropagation?: DeletePropagation | null;
  /** More queued records than this go through the CRM's bulk API (outbound.ts). */
  bulkIngestThreshold?: number | null;
  /** How long a CRM's field list is trusted before writes (schema-check.ts). */
  schemaCheckIntervalMs?: number | null;
  /** When the credentials themselves expire (TOKEN_EXPIRING alerts, the access review). */
  credentialsExpireAt?: Date | null;
  /** How often incremental runs start, and when full runs may (sync-schedule.ts). */
  schedule?: { intervalSeconds?: number | null; window?: SyncWindow | null } | null;
  /** Whether setup may create what the CRM lacks (Junction's fields) without asking (issue 16). */
  autoProvision?: boolean | null;
}

export const SETTINGS_KEYS = ['rateLimit', 'deletePropagation', 'bulkIngestThreshold', 'schemaCheckIntervalMs', 'credentialsExpireAt', 'schedule', 'autoProvision'] as const;

const DAY_MS = 86_400_000;
const MAX_NAME = 200;

export function checkName(value: string): string {
  const name = value.trim();
  if (!name) throw new ConnectionInputError('name', 'name must not be empty');
  if (name.length > MAX_NAME) throw new ConnectionInputError('name', `name must be at most ${MAX_NAME} characters`);
  return name;
}

/** An http(s) URL without trailing slashes (paths are joined to it). */
export function checkBaseUrl(value: string): string {
  return checkUrl('baseUrl', value);
}

/** An http(s) URL without credentials or trailing slashes; problems name `field`. */
export function checkUrl(field: string, value: string): string {
  const trimmed = value.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ConnectionInputError(field, `${field} must be an http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConnectionInputError(field, `${field} must be an http(s) URL`);
  if (url.username || url.password) throw new ConnectionInputError(field, `${field} must not carry credentials; send them as credentials`);
  return trimmed.replace(/\/+$/, '');
}

/** Versions as the vendors write them: `v62.0`, `v3`, `9.2`. */
export function checkApiVersion(value: string): string {
  const version = value.trim();
  if (!/^v?\d{1,3}(\.\d{1,3})?$/.test(version)) throw new ConnectionInputError('apiVersion', 'apiVersion must look like v62.0, v3 or 9.2');
  return version;
}

/** Checks a settings patch; returns the keys to set (as stored) and the keys to clear. */
export function checkSettings(patch: ConnectionSettingsPatch): { set: Record<string, unknown>; clear: string[] } {
  const set: Record<string, unknown> = {};
  const clear: string[] = [];
  const wholeNumber = (field: string, value: number, min: number, max: number): number => {
    if (!Number.isInteger(value) || value < min || value > max) throw new ConnectionInputError(`settings.${field}`, `settings.${field} must be a whole number from ${min} to ${max}`);
    return value;
  };
  for (const key of SETTINGS_KEYS) {
    const value = patch[key];
    if (value === undefined) continue;
    if (value === null) {
      clear.push(key);
      continue;
    }
    switch (key) {
      case 'rateLimit': {
        const rate = value as NonNullable<ConnectionSettingsPatch['rateLimit']>;
        set.rateLimit = { requests: wholeNumber('rateLimit.requests', rate.requests, 1, 1_000_000), windowMs: wholeNumber('rateLimit.windowMs', rate.windowMs, 1, DAY_MS) };
        break;
      }
      case 'deletePropagation':
        if (!(DELETE_PROPAGATION as readonly unknown[]).includes(value))
          throw new ConnectionInputError('settings.deletePropagation', `settings.deletePropagation must be one of ${DELETE_PROPAGATION.join(', ')}`);
        set.deletePropagation = value;
        break;
      case 'bulkIngestThreshold':
        set.bulkIngestThreshold = wholeNumber(key, value as number, 0, 1_000_000);
        break;
      case 'schemaCheckIntervalMs':
        set.schemaCheckIntervalMs = wholeNumber(key, value as number, 0, DAY_MS);
        break;
      case 'credentialsExpireAt': {
        const at = value as Date;
        if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new ConnectionInputError('settings.credentialsExpireAt', 'settings.credentialsExpireAt must be a date-time');
        set.credentialsExpireAt = at.toISOString();
        break;
      }
      case 'schedule':
        set.schedule = checkSchedule(value as NonNullable<ConnectionSettingsPatch['schedule']>, wholeNumber);
        break;
      case 'autoProvision':
        if (typeof value !== 'boolean') throw new ConnectionInputError('settings.autoProvision', 'settings.autoProvision must be true or false');
        set.autoProvision = value;
        break;
    }
  }
  return { set, clear };
}

/** The stored settings as the API shows them; a value Junction would not use shows as null. */
export type ConnectionSettingsView = Required<Omit<ConnectionSettingsPatch, 'schedule' | 'autoProvision'>> & { schedule: SyncSchedule; autoProvision: boolean };

/**
 * `autoProvision` as it applies: the stored choice, else on for an emulator (a loopback URL)
 * and off for a real org, where creating fields is a person's decision.
 */
export function autoProvisionOf(settings: Record<string, unknown> | null | undefined, baseUrl: string | undefined): boolean {
  const stored = settings?.autoProvision;
  if (typeof stored === 'boolean') return stored;
  try {
    return baseUrl !== undefined && isLoopbackHost(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

export function settingsOf(settings: Record<string, unknown> | null | undefined, baseUrl?: string): ConnectionSettingsView {
  const s = settings ?? {};
  const rate = s.rateLimit as { requests?: unknown; windowMs?: unknown } | undefined;
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
  const expires = typeof s.credentialsExpireAt === 'string' ? new Date(s.credentialsExpireAt) : null;
  return {
    rateLimit: typeof rate?.requests === 'number' && typeof rate.windowMs === 'number' ? { requests: rate.requests, windowMs: rate.windowMs } : null,
    deletePropagation: (DELETE_PROPAGATION as readonly unknown[]).includes(s.deletePropagation) ? (s.deletePropagation as DeletePropagation) : null,
    bulkIngestThreshold: int(s.bulkIngestThreshold),
    schemaCheckIntervalMs: int(s.schemaCheckIntervalMs),
    credentialsExpireAt: expires && !Number.isNaN(expires.getTime()) ? expires : null,
    schedule: scheduleOf(s),
    autoProvision: autoProvisionOf(s, baseUrl),
  };
}

/** A week: longer than that between runs is no schedule. */
const MAX_INTERVAL_SECONDS = 604_800;

function checkSchedule(
  schedule: NonNullable<ConnectionSettingsPatch['schedule']>,
  wholeNumber: (field: string, value: number, min: number, max: number) => number,
): SyncSchedule {
  const intervalSeconds = schedule.intervalSeconds == null ? null : wholeNumber('schedule.intervalSeconds', schedule.intervalSeconds, 10, MAX_INTERVAL_SECONDS);
  const w = schedule.window;
  if (!w) return { intervalSeconds, window: null };
  for (const field of ['start', 'end'] as const)
    if (!isClockTime(w[field])) throw new ConnectionInputError(`settings.schedule.window.${field}`, `settings.schedule.window.${field} must be a time of day as HH:MM (00:00 to 23:59)`);
  if (!isTimeZone(w.timeZone)) throw new ConnectionInputError('settings.schedule.window.timeZone', `settings.schedule.window.timeZone must be an IANA time zone such as Europe/Berlin, not ${JSON.stringify(w.timeZone.slice(0, 64))}`);
  if (w.start === w.end) throw new ConnectionInputError('settings.schedule.window.end', 'settings.schedule.window must not start and end at the same time (leave it out to allow full runs at any time)');
  return { intervalSeconds, window: { start: w.start, end: w.end, timeZone: w.timeZone } };
}
