/**
 * HubSpot's error bodies (crm-wire §2.2). Every error goes out as application/json: the
 * SDK cannot parse an error without a Content-Type and then loses the status code.
 */
import { randomUUID } from 'node:crypto';
import { json, type EmulatorResponse } from '../../emulator-kit';

export interface ErrorDetail {
  message: string;
  code?: string;
  context?: Record<string, string[]>;
}

/** A failure of one record inside a write: becomes a top-level error or a 207 batch entry. */
export interface RecordFailure {
  httpStatus: number;
  category: string;
  message: string;
  errors?: ErrorDetail[];
  context?: Record<string, string[]>;
}

export function errorResponse(
  status: number,
  category: string,
  message: string,
  extra: { errors?: ErrorDetail[]; context?: Record<string, string[]> } = {},
): EmulatorResponse {
  return json(status, { status: 'error', message, correlationId: randomUUID(), category, ...extra });
}

export const failureResponse = (f: RecordFailure): EmulatorResponse =>
  errorResponse(f.httpStatus, f.category, f.message, { errors: f.errors, context: f.context });

export const validationError = (message: string, errors?: ErrorDetail[]): EmulatorResponse => errorResponse(400, 'VALIDATION_ERROR', message, { errors });

export const notFound = (message = 'Object not found.  objectId are usually numeric.', context?: Record<string, string[]>): EmulatorResponse =>
  errorResponse(404, 'OBJECT_NOT_FOUND', message, { context });

export const unauthorized = (): EmulatorResponse =>
  errorResponse(
    401,
    'INVALID_AUTHENTICATION',
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
  );

/** The ten-secondly burst limit; the SDK retries this one after 10 s per attempt. */
export const tenSecondlyLimit = (retryAfterSeconds: number): EmulatorResponse =>
  json(
    429,
    {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName: 'TEN_SECONDLY_ROLLING',
      groupName: 'publicapi:private-app:junction-sandbox',
      requestId: randomUUID(),
    },
    { 'Retry-After': String(retryAfterSeconds) },
  );

/** The account's daily allowance is spent; waiting seconds will not help (no Retry-After). */
export const dailyLimit = (): EmulatorResponse =>
  json(429, {
    status: 'error',
    message: 'You have reached your daily limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: 'DAILY',
    requestId: randomUUID(),
  });

export const serviceUnavailable = (): EmulatorResponse =>
  errorResponse(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Please try again later.');

/** HubSpot's property validation message embeds a JSON list of the invalid properties. */
export function invalidProperties(problems: Array<{ name: string; error: string; message: string }>): RecordFailure {
  const listed = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name, localizedErrorMessage: p.message }));
  return {
    httpStatus: 400,
    category: 'VALIDATION_ERROR',
    message: `Property values were not valid: ${JSON.stringify(listed)}`,
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  };
}
