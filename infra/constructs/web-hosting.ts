import { EDGE_TOKEN_HEADER, VIEWER_ADDRESS_HEADER } from '@jiandu/api/client-address';
import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { securedBucket } from './data-store.js';

/** Props of {@link WebHosting}. */
export interface WebHostingProps {
  /** The HTTP API served under `/api/*` on the same host (the pages only call `/api/…`). */
  readonly api: apigwv2.IHttpApi;
  /**
   * Other origins the pages may call (`connect-src`): the Cognito hosted UI (token endpoint)
   * and the upload bucket (presigned PUTs). @default none
   */
  readonly connectOrigins?: readonly string[];
  /** A county's own domain names; needs {@link certificate}. @default the distribution's `*.cloudfront.net` name */
  readonly domainNames?: readonly string[];
  /**
   * The API's edge token: sent to the API origin in `x-jiandu-edge`, with the viewer's address
   * in `x-jiandu-viewer`, so per-client limits count villagers, not CloudFront edge servers.
   */
  readonly edgeSecret?: secretsmanager.ISecret;
  /** ACM certificate in us-east-1 for {@link domainNames}; enables TLS 1.2+ only. */
  readonly certificate?: acm.ICertificate;
}

/**
 * The Content-Security-Policy of both web apps: everything from this host only, no inline
 * script or style, no framing; the villagers' page runs its proof-of-work worker from `self`.
 * `connectOrigins` (exact origins, no wildcards) may also be fetched.
 */
export function webCsp(connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...connectOrigins].join(' '),
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Client-side routes of the dashboard (`/staff/leads/…`, no file extension) load its page;
 * a folder (`/`, `/staff/`) loads its `index.html`. The villagers' page uses hash routes.
 */
const INDEX_REWRITE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (uri === '/staff' || (uri.indexOf('/staff/') === 0 && last.indexOf('.') === -1)) {
    request.uri = '/staff/index.html';
  } else if (last === '') {
    request.uri = uri + 'index.html';
  }
  return request;
}`;

/**
 * Hosting of the two web apps and the API on one host: a private S3 bucket (the villagers'
 * page at the root, the staff dashboard under `staff/`) read by CloudFront through origin
 * access control only, the HTTP API as the `/api/*` origin, a strict CSP and security
 * headers on every page, HTTPS only. No viewer logs and no WAF: the people who file reports
 * through `/api/` are promised that their address is recorded nowhere. Upload a build with
 * `aws s3 sync` (README "Hosting the web pages").
 */
export class WebHosting extends Construct {
  /** The pages' bucket: `index.html` + `assets/` of the villagers' page, `staff/…` of the dashboard. */
  readonly bucket: s3.Bucket;
  /** S3 access logs of the pages bucket (requests come from CloudFront, not from people). */
  readonly logBucket: s3.Bucket;
  /** The distribution people open. */
  readonly distribution: cloudfront.Distribution;
  /** `https://…` of the distribution (or of the first of `domainNames`). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    this.logBucket = new s3.Bucket(this, 'Logs', {
      ...securedBucket(),
      lifecycleRules: [{ expiration: Duration.days(180) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Pages', {
      ...securedBucket(),
      // Kept with the stack's removal like every jiandu bucket (a non-empty bucket can't be deleted anyway).
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-pages/',
    });

    const pages = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const api = new origins.HttpOrigin(apiDomain, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // Resolved from Secrets Manager at deployment; CloudFront replaces a viewer's header of this name.
      ...(props.edgeSecret
        ? { customHeaders: { [EDGE_TOKEN_HEADER]: props.edgeSecret.secretValue.unsafeUnwrap() } }
        : {}),
    });
    // The viewer's address for the API's per-client limits (it is never logged: no CloudFront
    // logs, and the API keeps only keyed counters). Set here, so a viewer can't choose it.
    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      code: cloudfront.FunctionCode.fromInline(
        `function handler(event) {\n  event.request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip };\n  return event.request;\n}`,
      ),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Names the viewer address to the API (per-client rate limits)',
    });

    const headers = (csp: string, override: boolean) => ({
      contentSecurityPolicy: { contentSecurityPolicy: csp, override },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: true,
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
    });
    const pageHeaders = new cloudfront.ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: 'jiandu web pages: strict CSP and security headers',
      securityHeadersBehavior: headers(webCsp(props.connectOrigins), true),
    });
    // The API answers JSON (and its docs page brings its own stricter CSP, which is kept).
    const apiHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'jiandu API: security headers, the API’s own CSP kept',
      securityHeadersBehavior: headers("default-src 'none'; frame-ancestors 'none'", false),
    });
    // Public answers carry max-age/ETag and are cached as the API says; staff answers say
    // no-store. Authorization is in the key, so one staff member's answer never serves another.
    const apiCache = new cloudfront.CachePolicy(this, 'ApiCache', {
      comment: 'jiandu API: cache only what the API marks cacheable',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.hours(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization'),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const rewrite = new cloudfront.Function(this, 'IndexRewrite', {
      code: cloudfront.FunctionCode.fromInline(INDEX_REWRITE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Folders and dashboard routes load their index.html',
    });
    const pageBehavior: cloudfront.BehaviorOptions = {
      origin: pages,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: pageHeaders,
      compress: true,
      functionAssociations: [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'jiandu: villagers’ page, staff dashboard (/staff/) and API (/api/)',
      defaultRootObject: 'index.html',
      defaultBehavior: pageBehavior,
      additionalBehaviors: {
        '/staff/*': pageBehavior,
        '/api/*': {
          origin: api,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: apiCache,
          // API Gateway routes by its own Host: everything else of the viewer's request goes on.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: apiHeaders,
          compress: true,
          functionAssociations: [
            { function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          ],
        },
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // No standard or real-time logs: they would record every reporter's address (c-ip).
      enableLogging: false,
      ...(props.domainNames && props.certificate
        ? {
            domainNames: [...props.domainNames],
            certificate: props.certificate,
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    this.url = `https://${props.domainNames?.[0] ?? this.distribution.distributionDomainName}`;

    const acknowledge = (rule: string, reason: string) =>
      Validations.of(this.distribution).acknowledge({ id: `AwsSolutions-${rule}`, reason });
    acknowledge(
      'CFR1',
      'Disclosure is public by law and meant for everyone, including villagers working away from home and researchers abroad: no country is blocked; abuse is limited per client by the API.',
    );
    acknowledge(
      'CFR2',
      'No WAF in front of the whistle-blower routes: a web ACL keeps sampled requests with client addresses, which reporters are promised are recorded nowhere; the API rate-limits filings and lookups itself across instances.',
    );
    acknowledge(
      'CFR3',
      'CloudFront access logs record each viewer address (c-ip), including the address of everyone filing a report through /api/; the platform promises reporters their address is logged nowhere, so viewer logging stays off.',
    );
    if (!props.certificate)
      acknowledge(
        'CFR4',
        'Without a county domain the distribution uses the default *.cloudfront.net certificate, on which CloudFront allows no minimum TLS version; give domainNames and certificate to enforce TLSv1.2_2021.',
      );
  }
}
