/**
 * Behind CloudFront the gateway sees an edge server, shared by every villager of a county:
 * per-client limits would become per-county limits. The distribution names the viewer's
 * address to the API with a token only it and the API know (Secrets Manager).
 */
import { EDGE_TOKEN_HEADER, VIEWER_ADDRESS_HEADER } from '@jiandu/api/client-address';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOn, grantsOf, logicalId, type SynthesizedApp, synthesize } from './support.js';

describe('the viewer address through CloudFront', () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthesize();
  });

  it('sends the edge token, resolved from Secrets Manager at deployment, to the API origin only', () => {
    const distribution = Object.values(app.templates.web.findResources('AWS::CloudFront::Distribution'))[0];
    const origins = distribution?.Properties.DistributionConfig.Origins as {
      CustomOriginConfig?: unknown;
      OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
    }[];
    const withToken = origins.filter((o) =>
      o.OriginCustomHeaders?.some((h) => h.HeaderName === EDGE_TOKEN_HEADER),
    );
    expect(withToken).toHaveLength(1);
    expect(withToken[0]?.CustomOriginConfig).toBeDefined();
    const value = JSON.stringify(withToken[0]?.OriginCustomHeaders?.[0]?.HeaderValue);
    // A dynamic reference to the API stack's secret, never the token itself.
    expect(value).toContain('{{resolve:secretsmanager:');
    expect(value).toContain('Fn::ImportValue');
  });

  it("names the viewer's address on every API request, set by CloudFront (a viewer can't choose it)", () => {
    const [distribution] = Object.values(app.templates.web.findResources('AWS::CloudFront::Distribution'));
    const api = (
      (distribution as { Properties: { DistributionConfig: { CacheBehaviors: unknown } } }).Properties
        .DistributionConfig.CacheBehaviors as {
        PathPattern: string;
        FunctionAssociations?: { EventType: string; FunctionARN: { 'Fn::GetAtt': string[] } }[];
      }[]
    ).find((b) => b.PathPattern === '/api/*');
    const association = api?.FunctionAssociations?.find((f) => f.EventType === 'viewer-request');
    const fn =
      app.templates.web.findResources('AWS::CloudFront::Function')[
        association?.FunctionARN['Fn::GetAtt'][0] as string
      ];
    expect(fn?.Properties.FunctionCode).toContain(
      `headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip }`,
    );
  });

  it('lets the API, and only the API, read the token by EDGE_SECRET_ARN', () => {
    const secret = logicalId(app.api.edgeSecret.secret);
    const fn =
      app.templates.api.findResources('AWS::Lambda::Function')[logicalId(app.api.api.handler.function)];
    expect(fn?.Properties.Environment.Variables.EDGE_SECRET_ARN).toEqual({ Ref: secret });
    const role = logicalId(app.api.api.handler.role);
    expect(actionsOn(grantsOf(app.templates.api, role), secret)).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    for (const template of [app.templates.data, app.templates.pipeline]) {
      expect(JSON.stringify(template.toJSON())).not.toContain(secret);
    }
  });
});
