import { Field, ID, ObjectType } from 'type-graphql';
import type { RecordKind, StoredSourceLink } from '../../process';
import { RecordKindEnum } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';
import type { Connection } from '../connections/connection.type';

@ObjectType({ description: 'One CRM record feeding a unified record.', simpleResolvers: true })
export class SourceLink {
  @Field(() => ID) id!: string;
  @Field(() => RecordKindEnum) recordKind!: RecordKind;
  @Field({ description: 'Vendor object: Lead, Contact, Account, contacts, companies, …' }) remoteType!: string;
  @Field() remoteId!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: "The vendor's last modification stamp, in UTC." }) remoteUpdatedAt!: Date | null;
  @Field(() => DateTimeScalar) lastSyncedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Set when its connection was deleted: kept as history, no longer synced.' }) detachedAt!: Date | null;
  /** Resolved to `connection` by SourceLinkResolver through a loader. */
  connectionId!: string;
  /** Set when a list query read the connection with the page (loaders-preload). */
  preloadedConnection?: Connection;
}

export const toSourceLink = (s: StoredSourceLink): SourceLink => ({
  id: s.id,
  recordKind: s.recordKind,
  remoteType: s.remoteType,
  remoteId: s.remoteId,
  remoteUpdatedAt: s.remoteUpdatedAt,
  lastSyncedAt: s.lastSyncedAt,
  detachedAt: s.detachedAt,
  connectionId: s.connectionId,
});
