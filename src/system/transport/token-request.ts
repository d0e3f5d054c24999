/**
 * The part of an OAuth token request every vendor shares: POST a form, classify a timeout
 * or network failure, and read the JSON answer. What a refusal means is the vendor's call.
 * The form carries the client secret and refresh token, so the request only goes to a host
 * the connection's policy allows, is never redirected (a 307 would re-POST the form to
 * wherever it pointed), and what the vendor answers is scrubbed of the form's secrets.
 */
import { SystemError } from '../errors';
import { refuseForeignHost, refuseRedirect, type HostPolicy } from './host-policy';
import { scrubVendorText } from './vendor-text';

export interface TokenAnswer {
  ok: boolean;
  status: number;
  /** Parsed JSON, or the raw text when the answer is not JSON (never quoted in messages: see describeUnparsedAnswer). */
  body: unknown;
}

export interface TokenRequest {
  url: string;
  form: Record<string, string>;
  /** `POST /path` for messages (no host, no query). */
  endpoint: string;
  hostPolicy: HostPolicy;
  timeoutMs?: number;
}

/** Form fields whose values are secrets. */
const SECRET_FORM_FIELDS = ['client_secret', 'refresh_token', 'client_assertion', 'assertion', 'code', 'password', 'token'];

export async function postTokenForm({ url, form, endpoint, hostPolicy, timeoutMs = 30_000 }: TokenRequest): Promise<TokenAnswer> {
  refuseForeignHost(url, hostPolicy, endpoint);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
    throw new SystemError(timedOut ? 'TIMEOUT' : 'NETWORK', timedOut ? 'TIMEOUT' : 'NETWORK_ERROR', `${endpoint}: ${(err as Error).message}`, { endpoint }, { cause: err });
  }
  refuseRedirect(res, url, endpoint);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    if (res.ok) throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `${endpoint}: token answer is not JSON`, { status: res.status, endpoint });
  }
  return { ok: res.ok, status: res.status, body };
}

/** A token endpoint's refusal as it may be stored and shown: without the secrets the form carried. */
export function scrubTokenMessage(message: string, form: Record<string, string>): string {
  return scrubVendorText(
    message,
    SECRET_FORM_FIELDS.map((f) => form[f]),
  );
}
