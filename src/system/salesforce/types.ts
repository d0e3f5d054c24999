/**
 * Salesforce wire shapes the adapter reads, parsed once at the boundary: anything that
 * does not match becomes a DATA_FORMAT SystemError instead of a crash deeper in.
 */
import { z } from 'zod';
import { SystemError } from '../errors';

/** https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_refresh_token_oauth.htm */
export const TokenResponse = z.object({
  access_token: z.string().min(1),
  instance_url: z.string().regex(/^https?:\/\//),
  id: z.string(),
  token_type: z.string().optional(),
  issued_at: z.string().optional(),
});

export const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** REST error bodies are arrays: `[{message, errorCode, fields?}]`. */
export const RestErrors = z.array(z.object({ errorCode: z.string(), message: z.string().optional(), fields: z.array(z.string()).optional() })).min(1);

export const QueryResult = z.object({
  totalSize: z.number(),
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});

/** Inside a SaveResult the code key is `statusCode`, not `errorCode` (crm-wire.md §1.4). */
export const SaveResult = z.object({
  id: z.string().nullish(),
  success: z.boolean(),
  created: z.boolean().optional(),
  errors: z.array(z.object({ statusCode: z.string(), message: z.string().optional(), fields: z.array(z.string()).optional() })),
});
export const SaveResults = z.array(SaveResult);
export type SaveResultT = z.infer<typeof SaveResult>;

const Allowance = z.object({ Max: z.number(), Remaining: z.number() });
export const Limits = z.object({ DailyApiRequests: Allowance });

export const BulkJobInfo = z.object({
  id: z.string(),
  state: z.enum(['Open', 'UploadComplete', 'InProgress', 'JobComplete', 'Failed', 'Aborted']),
  errorMessage: z.string().optional(),
  /** A completed query job: the rows its results hold. */
  numberRecordsProcessed: z.number().optional(),
});

export const Describe = z.object({ name: z.string(), fields: z.array(z.object({ name: z.string(), type: z.string() })) });

/** Parses a vendor answer, or fails with DATA_FORMAT naming what was expected. */
export function parseWire<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `unexpected ${what} from Salesforce: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'no detail'}`);
}
