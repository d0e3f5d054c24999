/**
 * Structured JSON logs (pino). Secrets never reach a log line: known secret keys are
 * redacted wherever they appear, and free text is scrubbed of bearer tokens and keys.
 */
import pino, { type Logger } from 'pino';

const SECRET_KEYS = ['authorization', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'clientSecret', 'client_secret', 'password', 'apiKey', 'key', 'masterKey', 'token', 'credentials', 'privateKeyPem', 'assertion'];

/** Removes bearer tokens, API keys and OAuth secrets from free text. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]')
    .replace(/\bjk_[A-Za-z0-9_-]{8,}/g, 'jk_[redacted]')
    // A private key pasted anywhere (JWT bearer credentials), and HubSpot private-app tokens.
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]')
    .replace(/\bpat-[a-z0-9]+-[A-Za-z0-9-]{8,}/g, 'pat-[redacted]')
    .replace(/((?:access_token|refresh_token|client_secret|password)=)[^&\s"]+/gi, '$1[redacted]')
    // JSON or key: value text, e.g. an echoed request body: {"refreshToken":"…"}.
    .replace(/((?:access_?token|refresh_?token|client_?secret|password|api_?key)\\?["']?\s*:\s*\\?["'])[^"'\\]+/gi, '$1[redacted]');
}

const SECRET_KEY_NAMES = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
/** Deep enough for HTTP client errors (err.config.headers.authorization); bounded against cycles. */
const MAX_SCRUB_DEPTH = 8;

/**
 * Secrets at any depth: values under a secret key are replaced, strings are scrubbed, and
 * errors become plain objects whose message and stack are scrubbed (pino's path-based
 * redaction above only reaches the first two levels).
 */
export function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_SCRUB_DEPTH) return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const source: Record<string, unknown> =
    value instanceof Error ? { type: value.name, message: value.message, stack: value.stack, ...(value as unknown as Record<string, unknown>) } : (value as Record<string, unknown>);
  if (value instanceof Error && value.cause !== undefined) source.cause = value.cause;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) out[k] = SECRET_KEY_NAMES.has(k.toLowerCase()) ? '[redacted]' : scrubDeep(v, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'junction' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'req.headers.authorization'], censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      formatters: {
        log(object) {
          return scrubDeep(object) as Record<string, unknown>;
        },
      },
    },
    destination,
  );
}

export type { Logger };
