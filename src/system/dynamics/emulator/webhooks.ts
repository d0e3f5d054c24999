/**
 * Dataverse webhooks the way a registered service endpoint receives them: one POST per step
 * execution (asynchronous PostOperation steps on Create, Update and Delete of each table), the
 * body the JSON `RemoteExecutionContext`, the `x-ms-dynamics-*` headers alongside. The receiver
 * URL registered through `POST /_emulator/webhooks` is the endpoint URL with its WebhookKey
 * already in `?code=`, as Dataverse appends it. A change-set write that is rolled back has
 * still been announced here (Dataverse would not run the async step); the receiver's sync
 * then simply finds nothing new.
 * https://learn.microsoft.com/power-apps/developer/data-platform/use-webhooks
 */
import { randomUUID } from 'node:crypto';
import { WebhookOutbox, type EmulatorContext } from '../../emulator-kit';
import { DATAVERSE_ENTITIES, type DataverseEntitySet } from '../descriptor';
import type { Row } from './store';

/** Async steps run shortly after the write commits; a burst goes out together. */
const DELIVERY_DELAY_MS = 25;
const ORGANIZATION = { id: '7a3b8c1d-0e4f-4a5b-9c6d-1e2f3a4b5c6d', name: 'org-junction-sandbox', host: 'org-junction-sandbox.crm.dynamics.com' };
const USER_ID = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b';
const BUSINESS_UNIT_ID = '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9';
const STEP_ID = '5c4b3a29-1807-4f6e-9d8c-7b6a59483726';

export interface WebhookDelivery {
  message: 'Create' | 'Update' | 'Delete';
  set: DataverseEntitySet;
  row: Row;
}

/** .NET's WCF JSON date, as the context carries OperationCreatedOn. */
const wcfDate = (ms: number) => `/Date(${ms}+0000)/`;

function executionContext(d: WebhookDelivery, now: number): Record<string, unknown> {
  const entity = DATAVERSE_ENTITIES[d.set];
  const target =
    d.message === 'Delete'
      ? {
          __type: 'EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts',
          Id: d.row.key,
          KeyAttributes: [],
          LogicalName: entity.logicalName,
          Name: null,
          RowVersion: null,
        }
      : {
          __type: 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts',
          Attributes: Object.entries(d.row.body).map(([key, value]) => ({ key, value })),
          EntityState: null,
          FormattedValues: [],
          Id: d.row.key,
          KeyAttributes: [],
          LogicalName: entity.logicalName,
          RelatedEntities: [],
          RowVersion: String(d.row.version),
        };
  return {
    BusinessUnitId: BUSINESS_UNIT_ID,
    CorrelationId: randomUUID(),
    Depth: 1,
    InitiatingUserAzureActiveDirectoryObjectId: '00000000-0000-0000-0000-000000000000',
    InitiatingUserId: USER_ID,
    InputParameters: [{ key: 'Target', value: target }],
    IsExecutingOffline: false,
    IsInTransaction: false,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: d.message,
    Mode: 1,
    OperationCreatedOn: wcfDate(now),
    OperationId: randomUUID(),
    OrganizationId: ORGANIZATION.id,
    OrganizationName: ORGANIZATION.name,
    OutputParameters: d.message === 'Create' ? [{ key: 'id', value: d.row.key }] : [],
    OwningExtension: {
      Id: STEP_ID,
      KeyAttributes: [],
      LogicalName: 'sdkmessageprocessingstep',
      Name: `Junction: ${d.message} of ${entity.logicalName}`,
      RowVersion: null,
    },
    ParentContext: null,
    PostEntityImages: [],
    PreEntityImages: [],
    PrimaryEntityId: d.row.key,
    PrimaryEntityName: entity.logicalName,
    RequestId: randomUUID(),
    SecondaryEntityName: 'none',
    SharedVariables: [],
    Stage: 40,
    UserAzureActiveDirectoryObjectId: '00000000-0000-0000-0000-000000000000',
    UserId: USER_ID,
  };
}

export class WebhookPublisher {
  private outbox: WebhookOutbox<WebhookDelivery>;

  constructor(ctx: EmulatorContext) {
    this.outbox = new WebhookOutbox(ctx.webhooks, DELIVERY_DELAY_MS, (steps) =>
      steps.map((d) => {
        const context = executionContext(d, ctx.clock.now());
        return {
          body: JSON.stringify(context),
          headers: () => ({
            'x-request-id': randomUUID(),
            'x-ms-dynamics-organization': ORGANIZATION.host,
            'x-ms-dynamics-entity-name': String(context.PrimaryEntityName),
            'x-ms-dynamics-request-name': d.message,
            'x-ms-correlation-request-id': String(context.CorrelationId),
          }),
        };
      }),
    );
  }

  record(delivery: WebhookDelivery): void {
    if (!delivery.row.raw) this.outbox.record(delivery);
  }

  stop(): void {
    this.outbox.stop();
  }
}
