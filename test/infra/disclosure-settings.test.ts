import { describe, expect, it } from 'vitest';
import { DISCLOSURE_CONFIG_CONTEXT } from '../../infra/constructs/disclosure-settings.js';
import { logicalId, synthesize } from './support.js';

describe('per-program publication in the stacks', () => {
  it('hands DISCLOSURE_CONFIG to the API and SyncDisclosure, and to no other function', () => {
    const setting = { programs: { LINSHI: { publish: false }, DIBAO_RURAL: { monthsBack: 24 } } };
    const app = synthesize({ [DISCLOSURE_CONFIG_CONTEXT]: JSON.stringify(setting) });
    const envOf = (template: typeof app.templates.api, id: string) =>
      template.findResources('AWS::Lambda::Function')[id]?.Properties.Environment.Variables as Record<
        string,
        unknown
      >;
    expect(envOf(app.templates.api, logicalId(app.api.api.handler.function)).DISCLOSURE_CONFIG).toBe(
      JSON.stringify(setting),
    );
    const functions = app.pipeline.workflow.functions;
    expect(
      envOf(app.templates.pipeline, logicalId(functions.SyncDisclosure.function)).DISCLOSURE_CONFIG,
    ).toBe(JSON.stringify(setting));
    // ScoreAndStore no longer keeps the projections: it does not get the setting any more.
    for (const fn of [functions.Normalize, functions.ScoreAndStore])
      expect(envOf(app.templates.pipeline, logicalId(fn.function)).DISCLOSURE_CONFIG).toBeUndefined();
  }, 120_000);

  it('stops synthesis on a wrong setting, saying what is wrong in Chinese', () => {
    expect(() =>
      synthesize({ [DISCLOSURE_CONFIG_CONTEXT]: { programs: { DIBAO: { publish: false } } } }),
    ).toThrow(/未知项目代码：DIBAO/);
  });
});
