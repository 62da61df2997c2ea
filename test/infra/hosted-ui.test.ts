/**
 * The dashboard's login in AWS: Cognito's hosted UI (authorization code + PKCE, MFA required),
 * the CSP and CORS that let the dashboard reach the token endpoint and the upload bucket, and
 * the `/staff/config.json` an operator writes from the API stack's output.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ORIGIN } from '../../infra/jiandu-app.js';
import { logicalId, type SynthesizedApp, synthesize } from './support.js';

const SITE = 'https://jiandu.example.gov.cn';

/** A CloudFormation string (`Fn::Join` of literals and references) with references shown as `<…>`. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  if ('Ref' in v) return `<${v.Ref}>`;
  if ('Fn::ImportValue' in v) return `<import:${v['Fn::ImportValue']}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

/** What an export of `template` named `name` holds. */
function exported(template: Template, name: string): unknown {
  const outputs = Object.values(template.toJSON().Outputs ?? {}) as {
    Value: unknown;
    Export?: { Name: string };
  }[];
  return outputs.find((o) => o.Export?.Name === name)?.Value;
}

describe('hosted UI login (Jiandu-Api)', () => {
  let app: SynthesizedApp;
  let api: Template;
  const domainRef = () => `<${logicalId(app.api.identity.domain)}>`;

  beforeAll(() => {
    app = synthesize({ webOrigin: `${SITE}/`, cognitoDomainPrefix: 'jiandu-test' });
    api = app.templates.api;
  });

  it('has a Cognito domain with the given prefix on the staff pool, whose MFA stays required (TOTP only)', () => {
    api.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    api.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'jiandu-test',
      UserPoolId: { Ref: logicalId(app.api.identity.userPool) },
    });
    api.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('lets the app client use the authorization code flow only, back to the dashboard', () => {
    const client = api.findResources('AWS::Cognito::UserPoolClient')[logicalId(app.api.identity.client)];
    expect(client?.Properties).toMatchObject({
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [`${SITE}/staff/callback`],
      LogoutURLs: [`${SITE}/staff/`],
      SupportedIdentityProviders: ['COGNITO'],
      // A browser can't keep a secret: a public client, the code protected by PKCE.
      GenerateSecret: false,
    });
  });

  it('outputs the dashboard config.json with the hosted UI endpoints, client id and redirect', () => {
    const output = api.toJSON().Outputs.StaffConfig;
    const config = JSON.parse(render(output.Value));
    const hostedUi = `https://${domainRef()}.auth.<AWS::Region>.amazoncognito.com`;
    expect(config).toEqual({
      issuer: `https://<${logicalId(app.api.identity.userPool)}.ProviderURL>`,
      clientId: `<${logicalId(app.api.identity.client)}>`,
      authorizationEndpoint: `${hostedUi}/oauth2/authorize`,
      tokenEndpoint: `${hostedUi}/oauth2/token`,
      logoutEndpoint: `${hostedUi}/logout`,
      scope: 'openid email profile',
      redirectUri: `${SITE}/staff/callback`,
    });
    expect(output.Description).toContain('staff/config.json');
  });

  it("lets the pages fetch the hosted UI's token endpoint and PUT to the upload bucket (CSP)", () => {
    const [policy] = Object.values(
      app.templates.web.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
    ).filter(
      (p) => p.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.Override,
    );
    const csp = render(
      policy?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
        .ContentSecurityPolicy,
    );
    const connect = csp.split('; ').find((d) => d.startsWith('connect-src'));
    const match = connect?.match(
      /^connect-src 'self' https:\/\/<import:([^>]+)>\.auth\.<AWS::Region>\.amazoncognito\.com https:\/\/<import:([^>]+)>$/,
    );
    expect(match, connect).toBeTruthy();
    const [, domainExport = '', uploadExport = ''] = match ?? [];
    expect(render(exported(api, domainExport))).toBe(domainRef());
    expect(exported(app.templates.data, uploadExport)).toEqual({
      'Fn::GetAtt': [logicalId(app.data.uploadBucket), 'RegionalDomainName'],
    });
    // Everything else stays same-origin.
    expect(csp).toContain("default-src 'self'; script-src 'self'");
    expect(csp).not.toMatch(/\*|unsafe-/);
  });

  it("allows the dashboard's origin to PUT to the upload bucket only (CORS), no other bucket", () => {
    const buckets = app.templates.data.findResources('AWS::S3::Bucket');
    expect(buckets[logicalId(app.data.uploadBucket)]?.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: [SITE],
          AllowedMethods: ['PUT'],
          AllowedHeaders: ['content-type', 'if-none-match'],
          MaxAge: 3600,
        },
      ],
    });
    const withCors = Object.entries(buckets).filter(([, b]) => b.Properties.CorsConfiguration);
    expect(withCors.map(([id]) => id)).toEqual([logicalId(app.data.uploadBucket)]);
  });
});

describe('hosted UI defaults', () => {
  it('returns to the Vite dev server and names the domain after the account until told otherwise', () => {
    const app = synthesize();
    const client = Object.values(app.templates.api.findResources('AWS::Cognito::UserPoolClient'))[0];
    expect(client?.Properties.CallbackURLs).toEqual([`${DEFAULT_WEB_ORIGIN}/staff/callback`]);
    const [domain] = Object.values(app.templates.api.findResources('AWS::Cognito::UserPoolDomain'));
    expect(render(domain?.Properties.Domain)).toBe('jiandu-<AWS::AccountId>');
  });
});
