import { readFileSync } from 'node:fs';
import { CfnResource, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildJianduApp, type JianduApp } from '../../infra/jiandu-app.js';
import { repoPath } from '../../infra/paths.js';

/** The context `cdk.json` gives the CLI, so tests synthesize what `cdk synth` does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(repoPath('cdk.json'), 'utf8'),
).context;

/** Skip esbuild in the fast tests (the bundling test does it for real). */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** A synthesized jiandu app with a template per stack. */
export interface SynthesizedApp extends JianduApp {
  readonly templates: {
    readonly data: Template;
    readonly pipeline: Template;
    readonly api: Template;
    readonly web: Template;
  };
}

/**
 * Build and synthesize the app like the CLI (cdk.json context + `extra`). Synthesis runs
 * the cdk-nag plugin and throws on any unacknowledged finding.
 */
export function synthesize(extra: Record<string, unknown> = {}): SynthesizedApp {
  const jiandu = buildJianduApp({ context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING, ...extra } });
  jiandu.app.synth();
  return {
    ...jiandu,
    templates: {
      data: Template.fromStack(jiandu.data),
      pipeline: Template.fromStack(jiandu.pipeline),
      api: Template.fromStack(jiandu.api),
      web: Template.fromStack(jiandu.web),
    },
  };
}

/** The logical ID of a construct's CloudFormation resource (L2 construct or L1 itself). */
export function logicalId(construct: IConstruct): string {
  const cfn = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!CfnResource.isCfnResource(cfn)) throw new Error(`${construct.node.path} has no CfnResource`);
  return (cfn.stack as Stack).resolve(cfn.logicalId) as string;
}

/** One IAM statement, normalized: actions as an array, resources as JSON strings. */
export interface Grant {
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of every `AWS::IAM::Policy` in the template attached to the role. */
export function grantsOf(template: Template, roleLogicalId: string): Grant[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const grants: Grant[] = [];
  for (const policy of Object.values(policies)) {
    const roles = (policy.Properties.Roles ?? []) as unknown[];
    if (!roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }))) continue;
    for (const s of policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]) {
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      grants.push({
        effect: s.Effect,
        actions: Array.isArray(s.Action) ? s.Action : [s.Action],
        resources: resources.map((r) => JSON.stringify(r)),
      });
    }
  }
  return grants;
}

/** Actions (sorted, unique) the role is allowed on resources whose JSON mentions `needle`. */
export function actionsOn(grants: readonly Grant[], needle: string): string[] {
  const actions = new Set<string>();
  for (const g of grants) {
    if (g.effect !== 'Allow') continue;
    if (g.resources.some((r) => r.includes(needle))) for (const a of g.actions) actions.add(a);
  }
  return [...actions].sort();
}

/** Actions of a prefix (e.g. `s3:`) the role is allowed on resources whose JSON mentions `needle`. */
export function serviceActionsOn(grants: readonly Grant[], needle: string, prefix: string): string[] {
  return actionsOn(grants, needle).filter((a) => a.startsWith(prefix));
}

/** The actions CDK's `grantRead` / `grantReadWrite` give on a bucket and a table. */
export const S3_READ = ['s3:GetBucket*', 's3:GetObject*', 's3:List*'];
export const S3_READ_WRITE = [
  ...S3_READ,
  's3:Abort*',
  's3:DeleteObject*',
  's3:PutObject',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
].sort();
export const DYNAMO_READ_WRITE = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];
