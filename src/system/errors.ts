/** Failure classes shared by every adapter (SPEC §2). */
export const ERROR_CLASSES = [
  'AUTHENTICATION',
  'PERMISSION',
  'RATE_LIMIT',
  'TIMEOUT',
  'SERVER',
  'NETWORK',
  'VALIDATION',
  'DATA_FORMAT',
  'CONFLICT',
  'NOT_FOUND',
  /** A mapped field the CRM's describe no longer lists (schema drift): no retry helps, a person must fix the CRM or the mapping. */
  'SCHEMA',
  'UNKNOWN',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** An outbound call that failed, classified at the system boundary. */
export class SystemError extends Error {
  override readonly name = 'SystemError';
  constructor(
    readonly errorClass: ErrorClass,
    readonly code: string,
    message: string,
    readonly details: { status?: number; endpoint?: string; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Classifies an HTTP status when the vendor body says nothing more specific. */
export function classifyStatus(status: number): ErrorClass {
  if (status === 401) return 'AUTHENTICATION';
  if (status === 403) return 'PERMISSION';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 409 || status === 412 || status === 300) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMIT';
  if (status >= 500) return 'SERVER';
  if (status === 400 || status === 422) return 'VALIDATION';
  return 'UNKNOWN';
}
