/**
 * What follows from the declarations: the list of settings with their environment variables,
 * the defaults, and the keys a target may override.
 */
import { Setting } from "./setting";
import { DECLARATIONS, SETTING_KEYS, SettingKey, SettingValue } from "./settings";

/** One setting as the tooling lists it. */
export interface SettingEntry<K extends SettingKey = SettingKey> {
  /** Key in cdktf.json's context. */
  readonly key: K;
  /** Environment variable; it wins over the context. */
  readonly env: string;
}

/** Every setting with its environment variable, in the order of the docs. */
export const SETTINGS: readonly SettingEntry[] = SETTING_KEYS.map((key) => ({ key, env: DECLARATIONS[key].env }));

/** The settings that have a declared default. */
export type SettingWithDefault = {
  [K in SettingKey]: (typeof DECLARATIONS)[K] extends Setting<unknown, true> ? K : never;
}[SettingKey];

/** The declared defaults: the value of each setting that has one when it is not set. */
export const DEFAULTS = Object.fromEntries(
  SETTING_KEYS.filter((key) => DECLARATIONS[key].hasDefault).map((key) => [key, DECLARATIONS[key].defaultValue]),
) as { readonly [K in SettingWithDefault]: SettingValue<K> };

/** Settings an entry of `targets` may override: all that shape one iam/ec2 pair. */
export const TARGET_KEYS: readonly SettingKey[] = SETTING_KEYS.filter((key) => DECLARATIONS[key].isPerTarget);
