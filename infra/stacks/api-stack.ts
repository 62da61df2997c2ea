import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { EdgeSecret, grantEdgeSecret } from '../constructs/edge-secret.js';
import { Identity } from '../constructs/identity.js';
import { PublicApi } from '../constructs/public-api.js';

/** Props of {@link ApiStack}: the data stack's resources and the pipeline's state machine. */
export interface ApiStackProps extends StackProps {
  readonly table: dynamodb.ITable;
  /** The audit log's own table. */
  readonly auditTable: dynamodb.ITable;
  readonly uploadBucket: s3.IBucket;
  readonly dataBucket: s3.IBucket;
  /** The collision workflow, which the API starts when a department withdraws data. */
  readonly stateMachine: sfn.IStateMachine;
  /** The platform's master secret (receipt digests, proof of work, rate limits, audit hashes). */
  readonly platformSecret: secretsmanager.ISecret;
  /** Origin of the site serving the staff dashboard (hosted UI callback and sign-out URLs). */
  readonly webOrigin: string;
  /** Prefix of the hosted UI's Cognito domain. @default `jiandu-<account id>` */
  readonly cognitoDomainPrefix?: string;
}

/**
 * `Jiandu-Api`: the staff user pool (Cognito) and the inspectors' HTTP API, whose private
 * routes take the pool's ID tokens.
 */
export class ApiStack extends Stack {
  /** The API construct. */
  readonly api: PublicApi;
  /** Staff identities: user pool, role groups, app client, JWT authorizer. */
  readonly identity: Identity;
  /** The token CloudFront (the web stack) sends so the API trusts the viewer address it names. */
  readonly edgeSecret: EdgeSecret;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.identity = new Identity(this, 'Identity', {
      webOrigin: props.webOrigin,
      ...(props.cognitoDomainPrefix ? { domainPrefix: props.cognitoDomainPrefix } : {}),
    });
    this.api = new PublicApi(this, 'Api', {
      table: props.table,
      auditTable: props.auditTable,
      uploadBucket: props.uploadBucket,
      dataBucket: props.dataBucket,
      stateMachine: props.stateMachine,
      identity: this.identity,
      platformSecret: props.platformSecret,
    });
    this.edgeSecret = new EdgeSecret(this, 'Edge');
    grantEdgeSecret(this.edgeSecret.secret, this.api.handler);
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the jiandu API' });
    new CfnOutput(this, 'UserPoolId', {
      value: this.identity.userPool.userPoolId,
      description: 'Staff user pool: create users and add them to a role group (admin, inspector, …)',
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.identity.client.userPoolClientId,
      description: 'App client whose ID tokens the API accepts',
    });
    new CfnOutput(this, 'StaffConfig', {
      value: this.toJsonString(this.identity.staffLogin),
      description: 'The dashboard’s login config: write it to s3://<PagesBucket>/staff/config.json',
    });
  }
}
