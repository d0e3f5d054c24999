/**
 * What the adapter contract suite needs to know about one CRM: its sandbox credentials, its
 * contact object and fields, and the vendor's own answers (codes, token lifetime, usage
 * headers) the shared behaviours are checked against. Facts only; the checks are shared.
 */
import type { RemoteFields } from '../../../src/system';
import type { AdapterOptions, ApiUsage } from '../../../src/system/system-api';

export interface CrmFixture {
  credentials: AdapterOptions['credentials'];
  apiVersion: string;
  contactType: string;
  /** Fields a listing asks for; the email field among them. */
  fields: string[];
  emailField: string;
  valid(n: number): RemoteFields;
  /** A record the vendor rejects for its content. */
  invalid: RemoteFields;
  /** A field to change in an update, and its new value. */
  update: [string, string];
  /** The code a revoked refresh token is refused with (crm-wire.md §6.1 item 3, §6.2 item 8, §6.3 item 16). */
  refusal: string;
  /** A fresh token's lifetime, in ms: more than the first, at most the second. */
  tokenLifetimeMs: [number, number];
  /** Whether the adapter renews a token before it expires (else on the vendor's 401). */
  refreshesAhead: boolean;
  /** Credentials the vendor refuses, the code it names, and a phrase of its message. */
  badCredentials: { credentials: AdapterOptions['credentials']; code: string; message: string };
  /** A spent quota: whether the adapter retries it (a 429 with Retry-After) and the error it ends in. */
  quota: { retried: boolean; error: Record<string, unknown> };
  /** The code of the error a 429 ends in once the retries are spent. */
  rateLimitCode: string;
  /** The code of the error a 503 ends in once the retries are spent. */
  serverCode: string;
  /**
   * Usage as the vendor reports it: after the fault (if any), on the first read and after one
   * more call; `fromHeaders` when a later read uses what the last answer said instead of calling.
   */
  usage: { fault?: Record<string, unknown>; first: ApiUsage; afterOneCall: ApiUsage; fromHeaders: boolean };
}
