/**
 * A count the platform is configured with (function workers, concurrent executions): `option`
 * when given (named `optionName` in the error), else the environment variable `envName` when
 * set, else `fallback`. Read once at start; throws when the chosen value is not a whole number
 * from `min` (default 1) to `max` (default unbounded).
 */
export function countSetting(setting: {
  readonly option: number | undefined;
  readonly optionName: string;
  readonly envName: string;
  readonly env: string | undefined;
  readonly fallback: number;
  readonly min?: number;
  readonly max?: number;
}): number {
  const { min = 1, max = Number.POSITIVE_INFINITY } = setting;
  const fromEnv = setting.env !== undefined && setting.env.trim() !== '';
  const [value, source, given] =
    setting.option !== undefined
      ? [setting.option, setting.optionName, String(setting.option)]
      : fromEnv
        ? [Number(setting.env), setting.envName, setting.env]
        : [setting.fallback, '默认值', String(setting.fallback)];
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = Number.isFinite(max) ? ` ${min} 到 ${max} 之间的整数` : `不小于 ${min} 的整数`;
    throw new Error(`${source} 应为${range}，收到的是 '${given}'`);
  }
  return value;
}
