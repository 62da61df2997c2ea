import { programKey, resolveProgram } from '@jiandu/domain/normalize/program';
import { PROGRAMS } from '@jiandu/domain/programs';
import { describe, expect, it } from 'vitest';

describe('resolveProgram', () => {
  it('resolves names and aliases with noise removed', () => {
    expect(resolveProgram('农村低保')).toEqual({
      code: 'DIBAO_RURAL',
      name: '农村最低生活保障',
      meansTested: true,
    });
    expect(resolveProgram(' 农村 低保金 ')?.code).toBe('DIBAO_RURAL');
    expect(resolveProgram('（农村最低生活保障资金）')?.code).toBe('DIBAO_RURAL');
    expect(resolveProgram('临时救助金')?.code).toBe('LINSHI');
    expect(resolveProgram('危房改造补助金')?.code).toBe('WEIFANG');
    expect(resolveProgram('高龄津贴')).toEqual({ code: 'GAOLING', name: '高龄津贴', meansTested: false });
    expect(resolveProgram('DIBAO_URBAN')?.code).toBe('DIBAO_URBAN');
  });

  it('resolves every catalogue name and alias to its own program', () => {
    for (const p of PROGRAMS) {
      for (const name of [p.name, ...p.aliases]) expect(resolveProgram(name)?.code, name).toBe(p.code);
    }
  });

  it('gives undefined for unknown programs', () => {
    expect(resolveProgram('独生子女奖励扶助')).toBeUndefined();
    expect(resolveProgram('低保')).toBeUndefined();
    expect(resolveProgram('')).toBeUndefined();
    expect(resolveProgram(null)).toBeUndefined();
  });

  it('builds comparison keys', () => {
    expect(programKey('残疾人两项补贴 (资金)')).toBe('残疾人两项补贴');
  });
});
