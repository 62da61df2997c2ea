import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { webCsp } from '../../infra/constructs/web-hosting.js';
import { logicalId, type SynthesizedApp, synthesize } from './support.js';

type Resource = { Properties: Record<string, unknown> };
type Behavior = {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  CachePolicyId: unknown;
  ResponseHeadersPolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  AllowedMethods?: string[];
  FunctionAssociations?: { FunctionARN: unknown }[];
};

describe('web hosting (Jiandu-Web)', () => {
  let app: SynthesizedApp;
  let web: Template;
  let config: {
    Origins: { Id: string; DomainName: unknown; S3OriginConfig?: unknown; OriginAccessControlId?: unknown }[];
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    Logging?: unknown;
    WebACLId?: unknown;
    DefaultRootObject: string;
  };

  beforeAll(() => {
    app = synthesize();
    web = app.templates.web;
    const [distribution] = Object.values(web.findResources('AWS::CloudFront::Distribution')) as Resource[];
    config = (distribution as Resource).Properties.DistributionConfig as typeof config;
  });

  const originOf = (behavior: Behavior) => config.Origins.find((o) => o.Id === behavior.TargetOriginId);
  const behavior = (pattern: string) =>
    config.CacheBehaviors.find((b) => b.PathPattern === pattern) as Behavior;

  it('serves the pages from a private bucket through origin access control only', () => {
    const bucket = logicalId(app.web.hosting.bucket);
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3-pages/' }),
    });
    web.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    // Only the distribution (by its ARN) may read objects; no principal other than CloudFront.
    web.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    for (const b of [config.DefaultCacheBehavior, behavior('/staff/*')]) {
      const origin = originOf(b);
      expect(origin?.OriginAccessControlId).toBeDefined();
      expect(JSON.stringify(origin?.DomainName)).toContain(bucket);
      expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(b.FunctionAssociations).toHaveLength(1);
    }
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('sends /api/* to the HTTP API of Jiandu-Api with every method, Authorization in the cache key', () => {
    const api = behavior('/api/*');
    expect(JSON.stringify(originOf(api)?.DomainName)).toContain('Jiandu-Api');
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(api.OriginRequestPolicyId).toBeDefined();
    web.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] },
          QueryStringsConfig: { QueryStringBehavior: 'all' },
        }),
      }),
    });
  });

  it('puts a strict CSP and security headers on every page', () => {
    const csp = webCsp();
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(csp).toContain("frame-ancestors 'none'");
    web.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          // The connect-src origins (hosted UI, upload bucket) are asserted in hosted-ui.test.ts.
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.anyValue(), Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
    const pagePolicy = config.DefaultCacheBehavior.ResponseHeadersPolicyId;
    expect(behavior('/staff/*').ResponseHeadersPolicyId).toEqual(pagePolicy);
    expect(behavior('/api/*').ResponseHeadersPolicyId).not.toEqual(pagePolicy);
  });

  it('records no viewer address: no CloudFront logs, no real-time logs, no WAF', () => {
    expect(config.Logging).toBeUndefined();
    expect(config.WebACLId).toBeUndefined();
    expect(web.findResources('AWS::CloudFront::RealtimeLogConfig')).toEqual({});
    expect(web.findResources('AWS::WAFv2::WebACL')).toEqual({});
  });

  it('loads index.html for folders and dashboard routes, files as they are (the deployed function)', () => {
    const fn = (Object.values(web.findResources('AWS::CloudFront::Function')) as Resource[]).find((f) =>
      String((f.Properties.FunctionConfig as { Comment?: string } | undefined)?.Comment).includes(
        'index.html',
      ),
    );
    const handler = new Function(`${(fn as Resource).Properties.FunctionCode}; return handler;`)() as (e: {
      request: { uri: string };
    }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/assets/index-abc.js')).toBe('/assets/index-abc.js');
    expect(rewrite('/staff')).toBe('/staff/index.html');
    expect(rewrite('/staff/')).toBe('/staff/index.html');
    expect(rewrite('/staff/leads/R01-abc')).toBe('/staff/index.html');
    expect(rewrite('/staff/assets/index-abc.js')).toBe('/staff/assets/index-abc.js');
  });
});
