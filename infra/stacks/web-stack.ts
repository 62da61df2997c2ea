import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { WebHosting } from '../constructs/web-hosting.js';

/** Props of {@link WebStack}. */
export interface WebStackProps extends StackProps {
  /** The API the pages call under `/api/` on the same host. */
  readonly api: apigwv2.IHttpApi;
  /** `https://…` of the Cognito hosted UI the dashboard logs in at (its token endpoint is fetched). */
  readonly hostedUiOrigin: string;
  /** `https://…` of the upload bucket's regional endpoint, where the dashboard PUTs files. */
  readonly uploadOrigin: string;
  /** The API's edge token (Jiandu-Api), sent with every request to the API origin. */
  readonly edgeSecret: secretsmanager.ISecret;
}

/** `Jiandu-Web`: the villagers' page and the staff dashboard behind CloudFront, with the API under `/api/`. */
export class WebStack extends Stack {
  /** Bucket, distribution and headers. */
  readonly hosting: WebHosting;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    this.hosting = new WebHosting(this, 'Hosting', {
      api: props.api,
      connectOrigins: [props.hostedUiOrigin, props.uploadOrigin],
      edgeSecret: props.edgeSecret,
    });
    new CfnOutput(this, 'WebUrl', {
      value: this.hosting.url,
      description: 'The villagers’ page (the dashboard at /staff/, the API at /api/)',
    });
    new CfnOutput(this, 'PagesBucket', {
      value: this.hosting.bucket.bucketName,
      description: 'Upload the builds here: web-public at the root, web-staff under staff/',
    });
    new CfnOutput(this, 'DistributionId', {
      value: this.hosting.distribution.distributionId,
      description: 'Invalidate /index.html and /staff/index.html after an upload',
    });
  }
}
