import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildJianduApp } from '../../infra/jiandu-app.js';
import { CDK_JSON_CONTEXT, NO_BUNDLING, type SynthesizedApp, synthesize } from './support.js';

interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly severity: string | undefined;
}

function findings(scope: IConstruct): Finding[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      path: r.constructPath ?? '',
      severity: v.severity,
    })),
  );
}

interface Acknowledgement {
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

/** Every AwsSolutions acknowledgement recorded on the tree, with where it was made. */
function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([key, reason]) => ({ rule: key.replace(/^annotation::/i, ''), path: c.node.path, reason }))
      .filter((a) => a.rule.startsWith('AwsSolutions-')),
  );
}

describe('cdk-nag AwsSolutions', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    app = synthesize();
  });

  it('reports no unacknowledged errors or warnings after synthesis', () => {
    expect(findings(app.app)).toEqual([]);
    // The registered pack saw the same tree during synth (synth would have thrown otherwise).
    expect(app.nag.validateScope(app.app).violations).toEqual([]);
  });

  it('leaves no CDK warnings or errors on the stacks', () => {
    for (const stack of [app.data, app.pipeline, app.api, app.web]) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    }
  });

  it('runs every function on the newest LTS runtime, Node.js 24', () => {
    const runtimes = [app.templates.pipeline, app.templates.api].flatMap((t) =>
      Object.values(t.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Runtime),
    );
    expect(new Set(runtimes)).toEqual(new Set(['nodejs24.x']));
  });
});

describe('acknowledgements', () => {
  afterEach(() => vi.restoreAllMocks());

  it('each answers a finding that really occurs there, with a specific reason', () => {
    const context = { ...CDK_JSON_CONTEXT, ...NO_BUNDLING };
    const acknowledged = buildJianduApp({ context });
    acknowledged.app.synth();
    const acks = acknowledgements(acknowledged.app);
    expect(acks.length).toBeGreaterThan(0);

    // The same app with acknowledgements switched off: synthesis must now fail on the findings.
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    const raw = buildJianduApp({ context });
    expect(() => raw.app.synth()).toThrow(/AwsSolutions-/);
    const all = findings(raw.app);

    for (const ack of acks) {
      const matched = all.some(
        (f) => f.rule === ack.rule && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
      );
      expect(matched, `${ack.path}: ${ack.rule} acknowledges nothing`).toBe(true);
      expect(ack.reason.length, `${ack.path}: ${ack.rule} needs a real reason`).toBeGreaterThan(40);
    }
    // And nothing was found that is not acknowledged.
    const unanswered = all.filter(
      (f) => !acks.some((a) => a.rule === f.rule && (f.path === a.path || f.path.startsWith(`${a.path}/`))),
    );
    expect(unanswered).toEqual([]);
  });
});
