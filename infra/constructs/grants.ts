import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

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

/**
 * Grant a role read/write on the table's items and acknowledge the `<table ARN>/index/*`
 * finding: single-table design queries the GSIs, whose ARNs hang below the table's.
 */
export function grantTableData(role: iam.IRole, table: dynamodb.ITable, purpose: string): void {
  table.grantReadWriteData(role);
  const arn = nagArnToken(table, role);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${arn}/index/*]`,
    reason: `Queries go through the table's GSIs (${arn}/index/*), all of them part of the single-table design: ${purpose}`,
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
