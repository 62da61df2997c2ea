import { AUDIT_TABLE_SHAPE, TABLE_SHAPE } from '@jiandu/store/table';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Props of {@link DataStore}. */
export interface DataStoreProps {
  /**
   * Days after which a replaced (non-current) object version in the data bucket is removed.
   * Normalized shards and findings are derived data: they are rebuilt from the raw uploads.
   * @default 90
   */
  readonly derivedVersionRetentionDays?: number;
}

/**
 * Everything the platform keeps: the single DynamoDB table (shape from `TABLE_SHAPE`), the
 * upload bucket departments drop raw files into (evidence, kept forever), the data bucket
 * for normalized shards, rejects and findings, and the access-log bucket both log to.
 */
export class DataStore extends Construct {
  /** Versions, leads, runs: the single table. */
  readonly table: dynamodb.Table;
  /** The audit log: its own table, which nobody may change (see {@link AUDIT_ENTRY_CHANGES}). */
  readonly auditTable: dynamodb.Table;
  /** `uploads/{department}/{kind}/{file}`; sends EventBridge `Object Created` events. */
  readonly uploadBucket: s3.Bucket;
  /** Normalized shards, reject files, run manifests and findings. */
  readonly dataBucket: s3.Bucket;
  /** S3 server access logs of the two buckets above. */
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataStoreProps = {}) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      ...keptTable(),
      timeToLiveAttribute: TABLE_SHAPE.timeToLiveAttribute,
    });
    addIndexes(this.table);

    // Own table so that IAM can give the API put-and-read only; the resource policy refuses
    // every change of an entry to every principal, whatever identity policy it has. PITR keeps
    // 35 days of the table's past for an auditor to compare against, and nothing expires (no TTL).
    this.auditTable = new dynamodb.Table(this, 'AuditTable', {
      ...keptTable(),
      resourcePolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'AuditEntriesAreNeverChanged',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: [...AUDIT_ENTRY_CHANGES],
            // In a table's own resource policy `*` is that table and its indexes.
            resources: ['*'],
          }),
        ],
      }),
    });
    addIndexes(this.auditTable);

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      ...securedBucket(),
      // Access logs are the audit trail of who read the evidence: kept like the evidence.
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.uploadBucket = new s3.Bucket(this, 'Uploads', {
      ...securedBucket(),
      // Raw files are evidence (CONTRACT.md §1): never overwritten silently, never deleted with the stack.
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'uploads-bucket/',
    });
    // Native EventBridge delivery instead of `eventBridgeEnabled: true`, which deploys a
    // notification custom resource (an extra Lambda with a broad role) for the same setting.
    const cfnUpload = this.uploadBucket.node.defaultChild as s3.CfnBucket;
    cfnUpload.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    // A delete only adds a delete marker; destroying a stored version of evidence is refused for everyone.
    this.uploadBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceVersionsAreNeverDeleted',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObjectVersion'],
        resources: [this.uploadBucket.arnForObjects('*')],
      }),
    );

    this.dataBucket = new s3.Bucket(this, 'Data', {
      ...securedBucket(),
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        {
          id: 'expire-replaced-derived-data',
          noncurrentVersionExpiration: Duration.days(props.derivedVersionRetentionDays ?? 90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
  }
}

/**
 * Writes that would change or remove an audit entry, denied to everyone on the audit table
 * (and to every role on audit items left in the platform table). Appending is `PutItem` with
 * `attribute_not_exists`, granted to the API alone.
 */
export const AUDIT_ENTRY_CHANGES = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:DeleteTable',
] as const;

/**
 * What both tables are: the shared key attributes (`AUDIT_TABLE_SHAPE` is `TABLE_SHAPE`
 * without TTL), on demand, point-in-time recovery, deletion protection, retained with the stack.
 */
function keptTable() {
  return {
    partitionKey: { name: AUDIT_TABLE_SHAPE.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: AUDIT_TABLE_SHAPE.sortKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    // Customer-visible key usage in CloudTrail: the tables hold confidential data.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
  } satisfies dynamodb.TableProps;
}

/** The two GSIs both tables share (`TABLE_SHAPE`). */
function addIndexes(table: dynamodb.Table): void {
  for (const index of TABLE_SHAPE.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}

/** Settings every jiandu bucket shares: private, TLS only, encrypted, owner owns all objects. */
export function securedBucket(): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  };
}
