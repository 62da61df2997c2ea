import type { JobAccess } from '@jiandu/pipeline/schedules';
import { keys } from '@jiandu/store/keys';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { AUDIT_ENTRY_CHANGES } from './data-store.js';
import type { JianduFunction } from './jiandu-function.js';

/**
 * Bucket access a function needs. `readPut` adds uploads without deletes: for the
 * evidence bucket, where nothing may be removed.
 */
export type BucketAccess = 'read' | 'readPut' | 'readWrite';

/** Action wildcards CDK's bucket grants use, per access level (cdk-nag IAM5 findings). */
const BUCKET_ACTION_WILDCARDS: Readonly<Record<BucketAccess, readonly string[]>> = {
  read: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
  readPut: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*'],
  readWrite: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'],
};

/**
 * Grant a role access to one bucket and acknowledge exactly the cdk-nag IAM5 findings that
 * grant produces on that role: `<bucket ARN>/*` and CDK's action wildcards. `purpose` says
 * why the role needs arbitrary keys in this bucket; it becomes part of the reason.
 */
export function grantBucket(
  role: iam.IRole,
  bucket: s3.IBucket,
  access: BucketAccess,
  purpose: string,
): void {
  if (access === 'readWrite') bucket.grantReadWrite(role);
  else bucket.grantRead(role);
  if (access === 'readPut') bucket.grantPut(role);
  const arn = nagArnToken(bucket, role);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${arn}/*]`,
    reason: `Bucket ${access} grant covers the objects of this one bucket (${arn}/*): ${purpose}`,
  });
  for (const action of BUCKET_ACTION_WILDCARDS[access]) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${action} is CDK's bucket ${access} grant action group, scoped to the granted bucket(s) only.`,
    });
  }
}

/** Data-bucket objects the disclosure sync reads: every version's ID-hash shards (`shardKey`). */
export const SHARD_OBJECTS = 'versions/*/shards/*';
/** Data-bucket objects the disclosure sync keeps: its state, totals parts and lookup cache. */
export const DISCLOSURE_OBJECTS = 'disclosure/*';

/**
 * Grant a role read of the version shards and read/write of the disclosure sync's own objects
 * in the data bucket, no other key, and acknowledge the IAM5 findings those two key patterns
 * and CDK's action groups produce.
 */
function grantDisclosureObjects(role: iam.IRole, bucket: s3.IBucket, purpose: string): void {
  bucket.grantRead(role, SHARD_OBJECTS);
  bucket.grantReadWrite(role, DISCLOSURE_OBJECTS);
  const arn = nagArnToken(bucket, role);
  for (const pattern of [SHARD_OBJECTS, DISCLOSURE_OBJECTS]) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arn}/${pattern}]`,
      reason: `Only the objects under ${pattern} of this one bucket: ${purpose}`,
    });
  }
  for (const action of BUCKET_ACTION_WILDCARDS.readWrite) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${action} is CDK's bucket grant action group, scoped to the granted key patterns of one bucket only.`,
    });
  }
}

/** Partition-key prefix of audit entries (`AUDIT#{auditId}`, from the one key module). */
export const AUDIT_KEY_PREFIX = keys.auditEntry('').PK;

/**
 * Grant a role read/write on the table's items and acknowledge the `<table ARN>/index/*`
 * finding: single-table design queries the GSIs, whose ARNs hang below the table's.
 *
 * Audit entries written before the audit log had its own table are still in this table:
 * the grant comes with a deny of every write to an item whose partition key is an audit
 * entry's (`dynamodb:LeadingKeys`), for every role, so they are read-only for good.
 */
export function grantTableData(role: iam.IRole, table: dynamodb.ITable, purpose: string): void {
  table.grantReadWriteData(role);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'LegacyAuditEntriesAreReadOnly',
      effect: iam.Effect.DENY,
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      resources: [table.tableArn],
      conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${AUDIT_KEY_PREFIX}*`] } },
    }),
  );
  acknowledgeIndexes(role, table, purpose);
}

/**
 * Let a role append to the audit table and read it: `PutItem` (the adapter always adds
 * `attribute_not_exists`), `GetItem`, `Query` and `DescribeTable`, nothing else, plus an
 * explicit deny of every change of an entry (the table's resource policy denies the same to
 * every principal).
 */
export function grantAuditAppend(role: iam.IRole, auditTable: dynamodb.ITable, purpose: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'AuditEntriesAreAppendedAndRead',
      actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
      resources: [auditTable.tableArn, `${auditTable.tableArn}/index/*`],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'AuditEntriesAreNeverChanged',
      effect: iam.Effect.DENY,
      actions: [...AUDIT_ENTRY_CHANGES],
      resources: [auditTable.tableArn, `${auditTable.tableArn}/index/*`],
    }),
  );
  acknowledgeIndexes(role, auditTable, purpose);
}

function acknowledgeIndexes(role: iam.IRole, table: dynamodb.ITable, purpose: string): void {
  const arn = nagArnToken(table, role);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${arn}/index/*]`,
    reason: `Queries go through the table's GSIs (${arn}/index/*), all of them part of its key design: ${purpose}`,
  });
}

/**
 * Let a role list the state machine's failed executions, read them and redrive them
 * (`RedriveExecution` acts on an execution's ARN, `arn:…:execution:<machine>:<name>`).
 */
function grantRedrive(role: iam.IRole, stateMachine: sfn.IStateMachine, purpose: string): void {
  stateMachine.grant(role, 'states:ListExecutions');
  stateMachine.grantExecution(role, 'states:DescribeExecution', 'states:RedriveExecution');
  // CDK derives the executions' ARN from the machine's (a `Ref`, imported from the pipeline stack).
  const producer = Stack.of(stateMachine);
  const machineArn =
    producer === Stack.of(role)
      ? producer.resolve(stateMachine.stateMachineArn)
      : Stack.of(role).resolve(producer.exportValue(stateMachine.stateMachineArn));
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",${JSON.stringify(machineArn)}]}]}:*]`,
    reason: `Executions are named when they start (one per upload or request); the grant covers the executions of this one state machine only: ${purpose}`,
  });
}

/**
 * How cdk-nag names a resource's ARN inside `consumer`'s policies after synthesis: `<LogicalId.Arn>`
 * for a resource of the same stack; for one from another stack the reference has become an
 * `Fn::ImportValue` of the producer's export, rendered as the export name.
 */
export function nagArnToken(resource: IConstruct, consumer: IConstruct): string {
  const cfn = resource.node.defaultChild;
  if (!CfnResource.isCfnResource(cfn)) {
    throw new Error(`${resource.node.path} has no CloudFormation resource; cannot name its ARN for cdk-nag`);
  }
  const producer = Stack.of(cfn);
  const consumerStack = Stack.of(consumer);
  if (producer === consumerStack) return `<${producer.resolve(cfn.logicalId)}.Arn>`;
  // exportValue creates (or finds) the very export the automatic cross-stack reference uses.
  const imported = consumerStack.resolve(producer.exportValue(cfn.getAtt('Arn'))) as {
    'Fn::ImportValue'?: unknown;
  };
  const exportName = imported['Fn::ImportValue'];
  if (typeof exportName !== 'string')
    throw new Error(`Unexpected cross-stack reference for ${resource.node.path}`);
  return exportName;
}

/**
 * What a function may touch, one value per grant. {@link grantAccess} turns each into the
 * grant and the environment variable naming the resource, so a function never has a
 * variable without the right to use it, nor a right without the variable.
 */
export type FunctionAccess =
  | JobAccess
  | 'auditTable:append'
  | 'uploadBucket:readPut'
  /** Start runs, and list, describe and redrive the workflow's failed executions (the API). */
  | 'stateMachine:startAndRedrive'
  /** Read version shards, read/write `disclosure/*` of the data bucket (the disclosure sync). */
  | 'dataBucket:disclosure';

/** The environment variable each access sets (the names `functions/runtimes/aws.ts` validates). */
export const ACCESS_VARIABLE: Readonly<Record<FunctionAccess, string>> = {
  'table:readWrite': 'TABLE_NAME',
  'auditTable:append': 'AUDIT_TABLE_NAME',
  'uploadBucket:read': 'UPLOAD_BUCKET',
  'uploadBucket:readPut': 'UPLOAD_BUCKET',
  'dataBucket:read': 'DATA_BUCKET',
  'dataBucket:readWrite': 'DATA_BUCKET',
  'dataBucket:disclosure': 'DATA_BUCKET',
  'stateMachine:start': 'STATE_MACHINE_ARN',
  'stateMachine:startAndRedrive': 'STATE_MACHINE_ARN',
};

/** The resources functions are granted access to. */
export interface FunctionResources {
  /** The single table. */
  readonly table: dynamodb.ITable;
  /** The audit log's table, for the function that appends to it. */
  readonly auditTable?: dynamodb.ITable;
  /** Raw uploads (evidence). */
  readonly uploadBucket: s3.IBucket;
  /** Shards, rejects, manifests, findings. */
  readonly dataBucket: s3.IBucket;
  /** The collision workflow, for functions that start runs. */
  readonly stateMachine?: sfn.IStateMachine;
}

/**
 * Give `fn` one access: the grant on its role and, with it, the environment variable that
 * names the resource. `purpose` says why (it becomes part of cdk-nag acknowledgements).
 */
export function grantAccess(
  fn: JianduFunction,
  resources: FunctionResources,
  access: FunctionAccess,
  purpose: string,
): void {
  const { role } = fn;
  let name: string;
  switch (access) {
    case 'table:readWrite':
      grantTableData(role, resources.table, purpose);
      name = resources.table.tableName;
      break;
    case 'auditTable:append':
      if (!resources.auditTable) throw new Error(`${fn.node.path} needs the audit table, but none was given`);
      grantAuditAppend(role, resources.auditTable, purpose);
      name = resources.auditTable.tableName;
      break;
    case 'uploadBucket:read':
    case 'uploadBucket:readPut':
      grantBucket(role, resources.uploadBucket, access === 'uploadBucket:read' ? 'read' : 'readPut', purpose);
      name = resources.uploadBucket.bucketName;
      break;
    case 'dataBucket:read':
    case 'dataBucket:readWrite':
      grantBucket(role, resources.dataBucket, access === 'dataBucket:read' ? 'read' : 'readWrite', purpose);
      name = resources.dataBucket.bucketName;
      break;
    case 'dataBucket:disclosure':
      grantDisclosureObjects(role, resources.dataBucket, purpose);
      name = resources.dataBucket.bucketName;
      break;
    case 'stateMachine:start':
    case 'stateMachine:startAndRedrive':
      if (!resources.stateMachine)
        throw new Error(`${fn.node.path} needs the state machine, but none was given`);
      resources.stateMachine.grantStartExecution(role);
      if (access === 'stateMachine:startAndRedrive') grantRedrive(role, resources.stateMachine, purpose);
      name = resources.stateMachine.stateMachineArn;
      break;
  }
  fn.function.addEnvironment(ACCESS_VARIABLE[access], name);
}
