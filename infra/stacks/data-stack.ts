import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DataStore } from '../constructs/data-store.js';
import { PlatformSecret } from '../constructs/platform-secret.js';

/** Props of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  /** Origin of the site serving the staff dashboard, whose browsers PUT uploads (`https://host`). */
  readonly webOrigin: string;
}

/** `Jiandu-Data`: the stateful resources, all retained when the stack goes away. */
export class DataStack extends Stack {
  /** The table, buckets and access logs. */
  readonly store: DataStore;
  /** The master secret the platform's keyed digests derive from (stateful: retained like the data). */
  readonly platformSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.store = new DataStore(this, 'Store');
    // The dashboard PUTs files to presigned URLs from its own origin. The browser sends the
    // signed If-None-Match and the file's Content-Type (Content-Length it sets itself and never
    // asks the preflight about); the signature still decides what may be written.
    this.store.uploadBucket.addCorsRule({
      allowedOrigins: [props.webOrigin],
      allowedMethods: [s3.HttpMethods.PUT],
      allowedHeaders: ['content-type', 'if-none-match'],
      maxAge: 3600,
    });
    this.platformSecret = new PlatformSecret(this, 'PlatformSecret').secret;
    // Read by the staff command line (`npm run cli -- upload … --profile … --stack Jiandu`).
    new CfnOutput(this, 'UploadBucketName', {
      value: this.store.uploadBucket.bucketName,
      description: 'Bucket departments upload to (uploads/{department}/{kind}/)',
    });
  }

  /** The single table. */
  get table(): dynamodb.Table {
    return this.store.table;
  }

  /** The upload bucket. */
  get uploadBucket(): s3.Bucket {
    return this.store.uploadBucket;
  }

  /** The data bucket. */
  get dataBucket(): s3.Bucket {
    return this.store.dataBucket;
  }
}
