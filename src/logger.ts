/**
 * Structured JSON logs (pino). Secrets never reach a log line: known secret keys are
 * redacted wherever they appear, and free text is scrubbed of bearer tokens and keys.
 */
import pino, { type Logger } from 'pino';

const SECRET_KEYS = ['authorization', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'clientSecret', 'client_secret', 'password', 'apiKey', 'key', 'masterKey', 'token', 'credentials'];

/** Removes bearer tokens, API keys and OAuth secrets from free text. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]')
    .replace(/\bjk_[A-Za-z0-9_-]{8,}/g, 'jk_[redacted]')
    .replace(/((?:access_token|refresh_token|client_secret|password)=)[^&\s"]+/gi, '$1[redacted]');
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
          for (const [k, v] of Object.entries(object)) if (typeof v === 'string') (object as Record<string, unknown>)[k] = scrubSecrets(v);
          return object;
        },
      },
    },
    destination,
  );
}

export type { Logger };
