import { CfnOutput, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { PublicApi } from '../constructs/public-api.js';

/** Props of {@link ApiStack}: the data stack's resources and the pipeline's state machine. */
export interface ApiStackProps extends StackProps {
  readonly table: dynamodb.ITable;
  readonly uploadBucket: s3.IBucket;
  readonly dataBucket: s3.IBucket;
  /** The collision workflow, which the API starts when a department withdraws data. */
  readonly stateMachine: sfn.IStateMachine;
}

/**
 * `Jiandu-Api`: the inspectors' HTTP API. Deploy with
 * `--parameters Jiandu-Api:InspectorToken=<secret>` (placeholder auth until Cognito).
 */
export class ApiStack extends Stack {
  /** The API construct. */
  readonly api: PublicApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const token = new CfnParameter(this, 'InspectorToken', {
      type: 'String',
      noEcho: true,
      // The API function refuses to start with a shorter token.
      minLength: 16,
      description: 'Shared bearer token for inspectors (placeholder until Cognito)',
    });
    this.api = new PublicApi(this, 'Api', {
      table: props.table,
      uploadBucket: props.uploadBucket,
      dataBucket: props.dataBucket,
      stateMachine: props.stateMachine,
      inspectorToken: token.valueAsString,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the jiandu API' });
  }
}
