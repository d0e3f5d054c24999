/**
 * The part of an OAuth token request every vendor shares: POST a form, classify a timeout
 * or network failure, and read the JSON answer. What a refusal means is the vendor's call.
 */
import { SystemError } from '../errors';

export interface TokenAnswer {
  ok: boolean;
  status: number;
  /** Parsed JSON, or the raw text when the answer is not JSON (kept for error messages). */
  body: unknown;
}

export async function postTokenForm(url: string, form: Record<string, string>, endpoint: string, timeoutMs = 30_000): Promise<TokenAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
    throw new SystemError(timedOut ? 'TIMEOUT' : 'NETWORK', timedOut ? 'TIMEOUT' : 'NETWORK_ERROR', `${endpoint}: ${(err as Error).message}`, { endpoint }, { cause: err });
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    if (res.ok) throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `${endpoint}: token answer is not JSON`, { status: res.status, endpoint });
  }
  return { ok: res.ok, status: res.status, body };
}
