import { TABLE_SHAPE } from '@jiandu/store/table';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalId, type SynthesizedApp, synthesize } from './support.js';

let app: SynthesizedApp;
let data: Template;

beforeAll(() => {
  app = synthesize();
  data = app.templates.data;
});

describe('Jiandu-Data table', () => {
  it('has the keys, GSIs and TTL attribute of TABLE_SHAPE', () => {
    const gsis = TABLE_SHAPE.globalSecondaryIndexes.map((gsi) => ({
      IndexName: gsi.indexName,
      KeySchema: [
        { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
        { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));
    const attributes = [
      TABLE_SHAPE.partitionKey,
      TABLE_SHAPE.sortKey,
      ...TABLE_SHAPE.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' }));

    const table = data.findResources('AWS::DynamoDB::Table')[logicalId(app.data.table)];
    expect(table?.Properties.KeySchema).toEqual([
      { AttributeName: TABLE_SHAPE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SHAPE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table?.Properties.GlobalSecondaryIndexes).toEqual(gsis);
    expect(table?.Properties.AttributeDefinitions).toEqual(expect.arrayContaining(attributes));
    expect(table?.Properties.AttributeDefinitions).toHaveLength(attributes.length);
    expect(table?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: TABLE_SHAPE.timeToLiveAttribute,
      Enabled: true,
    });
  });

  it('is on-demand, point-in-time recoverable, deletion protected and retained', () => {
    data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });
});

describe('Jiandu-Data buckets', () => {
  const bucket = (which: 'uploadBucket' | 'dataBucket' | 'accessLogBucket') => {
    const store = app.data.store;
    const id = logicalId(store[which]);
    const resource = data.findResources('AWS::S3::Bucket')[id];
    if (!resource) throw new Error(`bucket ${which} (${id}) not in template`);
    return { id, resource };
  };

  it('keeps raw uploads as evidence: versioned, retained, EventBridge notifications on', () => {
    const { resource } = bucket('uploadBucket');
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(resource.Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    // Native EventBridge switch, not the notifications custom resource (an extra Lambda).
    expect(data.findResources('Custom::S3BucketNotifications')).toEqual({});
  });

  it('refuses to destroy stored versions of uploads, for every principal', () => {
    const { id } = bucket('uploadBucket');
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:DeleteObjectVersion',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
          }),
        ]),
      },
    });
  });

  it.each(['uploadBucket', 'dataBucket', 'accessLogBucket'] as const)(
    '%s blocks public access, encrypts with S3 keys, is retained and enforces TLS in its policy',
    (which) => {
      const { id, resource } = bucket(which);
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(resource.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      const arn = { 'Fn::GetAtt': [id, 'Arn'] };
      data.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [arn, { 'Fn::Join': ['', [arn, '/*']] }],
            },
          ]),
        },
      });
    },
  );

  it.each(['uploadBucket', 'dataBucket'] as const)(
    '%s writes server access logs to the access-log bucket',
    (which) => {
      const { resource } = bucket(which);
      const logs = bucket('accessLogBucket');
      expect(resource.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logs.id },
        LogFilePrefix: expect.stringMatching(/\/$/),
      });
    },
  );

  it('expires only replaced versions of derived data', () => {
    const { resource } = bucket('dataBucket');
    expect(resource.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
    ]);
    expect(resource.Properties.LifecycleConfiguration.Rules[0]).not.toHaveProperty('ExpirationInDays');
  });
});
