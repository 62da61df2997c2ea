/**
 * A count the platform is configured with (function workers, concurrent executions): `option`
 * when given (named `optionName` in the error), else the environment variable `envName` when
 * set, else `fallback`. Read once at start; throws when the chosen value is not a whole number ≥ 1.
 */
export function countSetting(setting: {
  readonly option: number | undefined;
  readonly optionName: string;
  readonly envName: string;
  readonly env: string | undefined;
  readonly fallback: number;
}): number {
  const fromEnv = setting.env !== undefined && setting.env.trim() !== '';
  const [value, source, given] =
    setting.option !== undefined
      ? [setting.option, setting.optionName, String(setting.option)]
      : fromEnv
        ? [Number(setting.env), setting.envName, setting.env]
        : [setting.fallback, '默认值', String(setting.fallback)];
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${source} 应为不小于 1 的整数，收到的是 '${given}'`);
  }
  return value;
}
