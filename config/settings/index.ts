/**
 * Every setting, declared once, in the order of the docs. The groups are the docs' sections.
 */
import { ResolvedValueOf, ValueOf } from "../setting";
import { ACCOUNT_SETTINGS } from "./accounts";
import { CLOUD_SETTINGS } from "./cloud";
import { INSTANCE_SETTINGS } from "./instance";
import { ROLE_SETTINGS } from "./role";
import { ROLE_LIMIT_SETTINGS } from "./role-limits";
import { STATE_SETTINGS } from "./state";
import { TARGET_SETTINGS } from "./targets";
import { TRUST_SETTINGS } from "./trust";

export { CANONICAL_ACCOUNT_ID } from "./instance";
export { TARGETS_SHAPE } from "./targets";

/** The groups of settings, in the order of the docs. */
export const SETTING_GROUPS = [
  ACCOUNT_SETTINGS,
  ROLE_SETTINGS,
  TRUST_SETTINGS,
  ROLE_LIMIT_SETTINGS,
  INSTANCE_SETTINGS,
  STATE_SETTINGS,
  CLOUD_SETTINGS,
  TARGET_SETTINGS,
] as const;

/** Every setting's declaration, by its key in cdktf.json's context. */
export const DECLARATIONS = {
  ...ACCOUNT_SETTINGS.settings,
  ...ROLE_SETTINGS.settings,
  ...TRUST_SETTINGS.settings,
  ...ROLE_LIMIT_SETTINGS.settings,
  ...INSTANCE_SETTINGS.settings,
  ...STATE_SETTINGS.settings,
  ...CLOUD_SETTINGS.settings,
  ...TARGET_SETTINGS.settings,
};

/** The name of a setting (its key in cdktf.json's context). */
export type SettingKey = keyof typeof DECLARATIONS;

/** The type of a valid value of setting `K`. */
export type SettingValue<K extends SettingKey> = ValueOf<(typeof DECLARATIONS)[K]>;

/** The type of setting `K` once its declared default applies. */
export type ResolvedSettingValue<K extends SettingKey> = ResolvedValueOf<(typeof DECLARATIONS)[K]>;

/** Every setting's key, in the order of the docs. */
export const SETTING_KEYS = Object.keys(DECLARATIONS) as SettingKey[];
