import type { CrmKind } from '../../system';
import { dynamicsProfile } from './dynamics';
import type { CrmMappingProfile, RecordMapper } from './field-map';
import { hubspotProfile } from './hubspot';
import { salesforceProfile } from './salesforce';

const PROFILES: Partial<Record<CrmKind, CrmMappingProfile>> = {
  SALESFORCE: salesforceProfile,
  HUBSPOT: hubspotProfile,
  DYNAMICS: dynamicsProfile,
};

export function mappingProfile(crm: CrmKind): CrmMappingProfile {
  const p = PROFILES[crm];
  if (!p) throw new Error(`no mapping profile for ${crm}`);
  return p;
}

export function mapperFor(crm: CrmKind, remoteType: string): RecordMapper {
  const m = mappingProfile(crm).mappers.find((x) => x.remoteType === remoteType);
  if (!m) throw new Error(`no mapper for ${crm} ${remoteType}`);
  return m;
}
