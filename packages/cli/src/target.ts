/**
 * Where the command line sends files and asks questions: the running local platform (found
 * through its `platform.json`) or a deployed stack (found through CloudFormation outputs).
 */
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { fromIni } from '@aws-sdk/credential-providers';
import { ENDPOINT_FILE, readEndpointFile } from '@jiandu/local/endpoint-file';

/**
 * The CloudFormation outputs the command line reads, per stack suffix. The stacks declare them
 * (`infra/stacks/*`); a CDK assertion keeps both sides in step.
 */
export const STACK_OUTPUTS = {
  Data: { uploadBucket: 'UploadBucketName' },
  Pipeline: { stateMachineArn: 'StateMachineArn' },
  Api: { apiUrl: 'ApiUrl' },
} as const;

/** A place to upload to and read from, with clients ready. */
export interface Target {
  /** For messages: `本地平台 http://…` or `堆栈 Jiandu (profile …)`. */
  readonly description: string;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly uploadBucket: string;
  readonly stateMachineArn: string;
  readonly apiUrl: string;
  /** A token that comes with the target (the local platform's demo inspector), if any. */
  readonly token?: string;
  /** Release the clients' sockets. */
  close(): void;
}

/** How to find the target, from the command line options. */
export type TargetSpec =
  | { readonly local: { readonly endpointFile: string } }
  | { readonly stack: { readonly prefix: string; readonly profile: string; readonly region?: string } };

/** The target spec from options: a stack when `--profile`/`--stack` is given, else the local endpoint file. */
export function targetSpec(options: {
  readonly data?: string;
  readonly endpointFile?: string;
  readonly profile?: string;
  readonly stack?: string;
  readonly region?: string;
}): TargetSpec {
  if (options.profile !== undefined || options.stack !== undefined) {
    if (!options.profile) throw new Error('--stack 需要同时给出 --profile <AWS 配置名>');
    return {
      stack: {
        // `Jiandu`, `Jiandu-` and `Jiandu-Data` all name the same deployment.
        prefix: (options.stack ?? 'Jiandu').replace(/-(Data|Pipeline|Api)?$/, ''),
        profile: options.profile,
        ...(options.region ? { region: options.region } : {}),
      },
    };
  }
  return { local: { endpointFile: options.endpointFile ?? join(options.data ?? '.jiandu', ENDPOINT_FILE) } };
}

/** Connect to the target the spec names. */
export async function resolveTarget(spec: TargetSpec): Promise<Target> {
  if ('local' in spec) {
    const endpoints = readEndpointFile(spec.local.endpointFile);
    const common = {
      region: endpoints.region,
      credentials: endpoints.credentials,
      // s3rver stores aws-chunked bodies with their trailers unless only required checksums are sent.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    } as const;
    const s3 = new S3Client({ ...common, endpoint: endpoints.s3Endpoint, forcePathStyle: true });
    const sfn = new SFNClient({
      region: endpoints.region,
      credentials: endpoints.credentials,
      endpoint: endpoints.sfnEndpoint,
    });
    return {
      description: `本地平台 ${endpoints.apiUrl}`,
      s3,
      sfn,
      uploadBucket: endpoints.buckets.upload,
      stateMachineArn: endpoints.stateMachineArn,
      apiUrl: endpoints.apiUrl,
      ...(endpoints.inspectorToken ? { token: endpoints.inspectorToken } : {}),
      close: () => {
        s3.destroy();
        sfn.destroy();
      },
    };
  }

  const { prefix, profile, region } = spec.stack;
  const config = { profile, credentials: fromIni({ profile }), ...(region ? { region } : {}) };
  const cloudformation = new CloudFormationClient(config);
  try {
    const output = async (suffix: keyof typeof STACK_OUTPUTS, key: string): Promise<string> => {
      const stackName = `${prefix}-${suffix}`;
      let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
      try {
        const res = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
        outputs = res.Stacks?.[0]?.Outputs;
      } catch (error) {
        throw new Error(
          `读取堆栈 ${stackName} 失败：${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const value = outputs?.find((o) => o.OutputKey === key)?.OutputValue;
      if (!value)
        throw new Error(`堆栈 ${stackName} 没有输出 ${key}：请先用当前版本重新部署（npx cdk deploy --all）`);
      return value;
    };
    const [uploadBucket, stateMachineArn, apiUrl] = await Promise.all([
      output('Data', STACK_OUTPUTS.Data.uploadBucket),
      output('Pipeline', STACK_OUTPUTS.Pipeline.stateMachineArn),
      output('Api', STACK_OUTPUTS.Api.apiUrl),
    ]);
    const s3 = new S3Client(config);
    const sfn = new SFNClient(config);
    return {
      description: `堆栈 ${prefix}（AWS 配置 ${profile}）`,
      s3,
      sfn,
      uploadBucket,
      stateMachineArn,
      apiUrl: apiUrl.replace(/\/+$/, ''),
      close: () => {
        s3.destroy();
        sfn.destroy();
      },
    };
  } finally {
    cloudformation.destroy();
  }
}
