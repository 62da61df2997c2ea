import { describe, expect, it } from 'vitest';
import {
  DisclosureConfigError,
  isPublished,
  monthsBefore,
  resolveDisclosureConfig,
} from '../src/disclosure/config.js';
import { disclosedParty } from '../src/disclosure/records.js';

describe('per-program publication (DISCLOSURE_CONFIG)', () => {
  it('publishes everything by default and narrows per program', () => {
    const now = '2024-06-15T02:00:00.000Z';
    expect(isPublished(resolveDisclosureConfig(), 'DIBAO_RURAL', '2001-01', now)).toBe(true);
    const config = resolveDisclosureConfig({
      default: { monthsBack: 12 },
      programs: { LINSHI: { publish: false }, GAOLING: { monthsBack: null } },
    });
    // 12 months counting June 2024: July 2023 … June 2024.
    expect(isPublished(config, 'DIBAO_RURAL', '2023-07', now)).toBe(true);
    expect(isPublished(config, 'DIBAO_RURAL', '2023-06', now)).toBe(false);
    expect(isPublished(config, 'LINSHI', '2024-06', now)).toBe(false);
    expect(isPublished(config, 'GAOLING', '2015-01', now)).toBe(true);
    expect(monthsBefore('2024-01', 1)).toBe('2023-12');
  });

  it('refuses a wrong setting, naming the path and what to write, in Chinese', () => {
    const issues = (value: unknown) => {
      try {
        resolveDisclosureConfig(value);
      } catch (error) {
        expect(error).toBeInstanceOf(DisclosureConfigError);
        return (error as DisclosureConfigError).issues;
      }
      throw new Error('accepted');
    };
    expect(issues({ programs: { DIBAO: { publish: true } } })[0]?.message).toContain('未知项目代码：DIBAO');
    expect(issues({ default: { monthsBack: 0 } })).toEqual([
      { path: 'default.monthsBack', message: 'monthsBack 至少为 1（只公开当月）' },
    ]);
    expect(issues({ default: { publish: 'yes' } })[0]?.message).toBe(
      'publish 应为 true（公开）或 false（不公开）',
    );
    expect(issues({ months: 3 })[0]?.message).toContain('不认识的设置：months');
  });
});

describe('parties as the public sees them', () => {
  it('shows organizations in full and masks persons', () => {
    expect(disclosedParty('湖南青山建设工程有限公司', false)).toBe('湖南青山建设工程有限公司');
    expect(disclosedParty('青山饭店', false)).toBe('青山饭店');
    expect(disclosedParty('张德行', false)).toBe('张**');
    expect(disclosedParty('欧阳明华', false)).toBe('欧阳**');
    // A party with an ID number is a person, whatever the name says.
    expect(disclosedParty('青山建材店', true)).toBe('青****');
    expect(disclosedParty(null, false)).toBeNull();
  });
});
