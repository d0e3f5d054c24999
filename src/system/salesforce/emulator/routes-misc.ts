/**
 * Version discovery, the per-version resource map and `/limits`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 */
import { json, type EmulatorResponse, type QuotaState } from '../../emulator-kit';
import type { Org, Route } from './org';

const RELEASES: Array<[string, string]> = [
  ['55.0', "Summer '22"],
  ['56.0', "Winter '23"],
  ['57.0', "Spring '23"],
  ['58.0', "Summer '23"],
  ['59.0', "Winter '24"],
  ['60.0', "Spring '24"],
  ['61.0', "Summer '24"],
  ['62.0', "Winter '25"],
];

export const versionList = (): EmulatorResponse => json(200, RELEASES.map(([version, label]) => ({ label, url: `/services/data/v${version}`, version })));

const limit = (max: number, used = 0) => ({ Max: max, Remaining: Math.max(0, max - used) });

function limitsBody(quota: QuotaState, org: Org): Record<string, unknown> {
  return {
    DailyApiRequests: limit(quota.limit, quota.used),
    DailyAsyncApexExecutions: limit(250_000),
    DailyBulkApiBatches: limit(15_000, org.jobs.created.ingest),
    DailyBulkV2QueryFileStorageMB: limit(976_562),
    DailyBulkV2QueryJobs: limit(10_000, org.jobs.created.query),
    DataStorageMB: limit(5),
    FileStorageMB: limit(20),
    HourlyODataCallout: limit(20_000),
    SingleEmailMessages: limit(15),
  };
}

export const miscRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/?$/,
    handle: ({ version }) =>
      json(200, Object.fromEntries(['sobjects', 'query', 'queryAll', 'limits', 'composite', 'jobs'].map((r) => [r, `/services/data/v${version}/${r}`]))),
  },
  {
    method: 'GET',
    pattern: /^\/limits\/?$/,
    // The kit counts this very request and hands us the quota only after we answer, in
    // `usageHeaders`; serialising lazily lets the body agree with the Sforce-Limit-Info header.
    handle: ({ org }) => json(200, { toJSON: () => limitsBody(org.quota(), org) }),
  },
];
