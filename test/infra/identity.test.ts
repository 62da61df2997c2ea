/**
 * Staff identity in AWS: the Cognito user pool and its groups, the app client, the HTTP API
 * JWT authorizer on private routes only, and the API function verifying the same tokens.
 */
import { routeTable } from '@jiandu/api';
import { ROLES } from '@jiandu/api/identity/principal';
import { MemoryWorkflowExecutions } from '@jiandu/store/memory';
import { Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRIVATE_ROUTE, PUBLIC_ROUTES } from '../../infra/constructs/public-api.js';
import {
  MemoryLeads,
  MemoryPendingCollisions,
  MemoryRuns,
  MemoryVersions,
  memoryDatasetDeps,
  memoryDisclosureDeps,
  memoryReportDeps,
  memoryWorkflowDeps,
} from '../support/memory-ports.js';
import { logicalId, type SynthesizedApp, synthesize } from './support.js';

let app: SynthesizedApp;
let api: Template;

beforeAll(() => {
  app = synthesize();
  api = app.templates.api;
});

interface GatewayRoute {
  readonly method: string;
  readonly path: string;
  readonly authorizationType: string;
  readonly authorizerId?: unknown;
}

function gatewayRoutes(): GatewayRoute[] {
  return Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map((r) => {
    const [method = '', path = ''] = String(r.Properties.RouteKey).split(' ');
    return {
      method,
      path,
      authorizationType: r.Properties.AuthorizationType,
      authorizerId: r.Properties.AuthorizerId,
    };
  });
}

/**
 * The route API Gateway picks for a request, as HTTP APIs do: an exact path beats a greedy
 * `{proxy+}` one, and among greedy routes the longest prefix wins; `ANY` matches every method.
 */
function gatewayRouteFor(
  routes: readonly GatewayRoute[],
  method: string,
  path: string,
): GatewayRoute | undefined {
  const candidates = routes.filter((r) => r.method === method || r.method === 'ANY');
  const exact = candidates.find((r) => r.path === path);
  if (exact) return exact;
  return candidates
    .filter((r) => r.path.endsWith('/{proxy+}'))
    .filter((r) => path.startsWith(r.path.slice(0, -'{proxy+}'.length)))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

const identity = () => app.api.identity;
const issuerExpression = () => ({
  'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(identity().userPool), 'ProviderURL'] }]],
});

describe('staff user pool', () => {
  it('lets only administrators create users, with a strong password policy', () => {
    const pool = api.findResources('AWS::Cognito::UserPool')[logicalId(identity().userPool)];
    expect(pool?.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
  });

  it('requires TOTP MFA (no SMS) and runs Plus-tier threat protection', () => {
    const pool = api.findResources('AWS::Cognito::UserPool')[logicalId(identity().userPool)];
    expect(pool?.Properties).toMatchObject({
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
    });
    expect(JSON.stringify(pool?.Properties)).not.toContain('SMS_MFA');
  });

  it('keeps the users: retained and deletion-protected', () => {
    const pool = api.findResources('AWS::Cognito::UserPool')[logicalId(identity().userPool)];
    expect(pool?.DeletionPolicy).toBe('Retain');
    expect(pool?.Properties.DeletionProtection).toBe('ACTIVE');
  });

  it('carries the jurisdiction attributes township and department', () => {
    const pool = api.findResources('AWS::Cognito::UserPool')[logicalId(identity().userPool)];
    const custom = ((pool?.Properties.Schema ?? []) as { Name: string; AttributeDataType: string }[]).filter(
      (a) => ['township', 'department'].includes(a.Name),
    );
    expect(custom.map((a) => [a.Name, a.AttributeDataType]).sort()).toEqual([
      ['department', 'String'],
      ['township', 'String'],
    ]);
  });

  it('has exactly one group per platform role', () => {
    const groups = Object.values(api.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([...ROLES].sort());
    for (const group of groups) {
      expect(group.Properties.UserPoolId).toEqual({ Ref: logicalId(identity().userPool) });
      expect(group.Properties.Description).toBeTruthy();
    }
  });

  it('has an SRP (and hosted UI, see hosted-ui.test.ts) app client that reads but cannot write the jurisdiction attributes or the name', () => {
    const client = api.findResources('AWS::Cognito::UserPoolClient')[logicalId(identity().client)];
    expect(client?.Properties).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: expect.arrayContaining(['ALLOW_USER_SRP_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect(client?.Properties.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(client?.Properties.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:township', 'custom:department']),
    );
    expect(client?.Properties.ReadAttributes).toContain('name');
    // Histories record the actor's name: a user renaming themselves would rewrite who did what.
    expect(client?.Properties.WriteAttributes).toEqual(['email']);
  });
});

describe('gateway authorization', () => {
  it("has a JWT authorizer for the pool's ID tokens (issuer and app client audience)", () => {
    const authorizers = Object.values(api.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: issuerExpression(),
        Audience: [{ Ref: logicalId(identity().client) }],
      },
    });
  });

  it('puts the authorizer on the private catch-all route and on no public route', () => {
    const routes = gatewayRoutes();
    const [authorizerId] = Object.keys(api.findResources('AWS::ApiGatewayV2::Authorizer'));
    const privateRoute = routes.find((r) => r.path === PRIVATE_ROUTE.path);
    expect(privateRoute).toMatchObject({
      method: 'ANY',
      authorizationType: 'JWT',
      authorizerId: { Ref: authorizerId },
    });
    const publicKeys = PUBLIC_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(
      routes
        .filter((r) => r.authorizationType === 'NONE')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(publicKeys);
    // Every route is one of the two kinds: nothing else (no `$default`) reaches the function.
    expect(routes).toHaveLength(PUBLIC_ROUTES.length + 1);
    expect(routes.some((r) => r.path === '$default')).toBe(false);
  });

  it("matches the app's route table: public routes open at the gateway, private ones behind the authorizer", () => {
    // Only the table's paths and declared access are read; no handler runs.
    const table = routeTable({
      leads: new MemoryLeads(),
      versions: new MemoryVersions(),
      runs: new MemoryRuns(),
      collisions: { start: async () => 'unused' },
      pendingCollisions: new MemoryPendingCollisions(),
      executions: new MemoryWorkflowExecutions(),
      authenticator: { authenticate: async () => undefined },
      datasets: memoryDatasetDeps(),
      workflow: memoryWorkflowDeps(),
      reports: memoryReportDeps(),
      disclosure: memoryDisclosureDeps(),
    });
    const routes = gatewayRoutes();
    expect(table.length).toBeGreaterThan(PUBLIC_ROUTES.length);
    for (const route of table) {
      const samplePath = route.path.replace(/:(\w+)/g, 'sample-$1');
      const gateway = gatewayRouteFor(routes, route.method, samplePath);
      const label = `${route.method} ${route.path}`;
      expect(gateway, `${label} is not reachable through the gateway`).toBeDefined();
      expect(gateway?.authorizationType, label).toBe(route.access === 'public' ? 'NONE' : 'JWT');
    }
  });

  it('acknowledges the missing authorizer (APIG4) exactly on the public routes, and nothing on identity', () => {
    const acknowledged = (rule: string) =>
      app.api.node
        .findAll()
        .filter((c) =>
          c.node.metadata.some(
            (m) =>
              m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
              Object.keys(m.data as Record<string, string>).some((k) => k.endsWith(rule)),
          ),
        );
    const apig4 = acknowledged('AwsSolutions-APIG4');
    const routeKeys = apig4
      .map((c) => (c.node.defaultChild as apigwv2.CfnRoute | undefined)?.routeKey)
      .sort();
    expect(routeKeys).toEqual(PUBLIC_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // Cognito passes cdk-nag (COG1 password, COG2 MFA, COG8 Plus tier) without acknowledgements.
    expect(acknowledged('AwsSolutions-').filter((c) => c.node.path.includes('/Identity'))).toEqual([]);
  });
});

describe('API function', () => {
  it('verifies the same tokens itself: issuer, audience and JWKS URL from the pool', () => {
    const fn = api.findResources('AWS::Lambda::Function')[logicalId(app.api.api.handler.function)];
    const env = fn?.Properties.Environment.Variables;
    expect(env.JWT_ISSUER).toEqual(issuerExpression());
    expect(env.JWT_AUDIENCE).toEqual({ Ref: logicalId(identity().client) });
    expect(env.JWKS_URL).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { 'Fn::GetAtt': [logicalId(identity().userPool), 'ProviderURL'] },
          '/.well-known/jwks.json',
        ],
      ],
    });
    expect(Object.keys(env)).not.toContain('INSPECTOR_TOKEN');
    expect(api.toJSON().Parameters ?? {}).not.toHaveProperty('InspectorToken');
  });

  it('outputs the user pool and app client ids for administrators', () => {
    api.hasOutput('UserPoolId', { Value: { Ref: logicalId(identity().userPool) } });
    api.hasOutput('UserPoolClientId', { Value: { Ref: logicalId(identity().client) } });
  });
});
