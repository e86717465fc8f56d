/**
 * The app's one settings object: typed, validated, and read in one place.
 *
 * Sources, later wins: each setting's declared default, the `context` block of cdktf.json (or
 * of `Testing.app({ context })`), then environment variables. Every invalid value is reported
 * with the setting's name, where the value came from, the value itself and what is allowed; all
 * problems are reported at once, before any stack is built.
 *
 * Each setting is declared once, in `settings/`: its environment variable, default, what is
 * allowed, how it is parsed, whether a target may override it. The types, `DEFAULTS`, the
 * target keys, the messages and docs/settings.md follow from those declarations
 * (`npm run docs:settings` writes the docs). Rules that span settings are in `rules/`.
 */
export { CANONICAL_ACCOUNT_ID, SETTING_GROUPS } from "./settings";
export type { SettingKey, SettingValue } from "./settings";
export { DEFAULTS, SETTINGS, TARGET_KEYS } from "./derived";
export type { SettingEntry } from "./derived";
export { ConfigError } from "./errors";
export { loadConfig } from "./load";
export { cloudStateWorkspace, localStateFile, s3StateKey } from "./state-backend";
export type { ConfigSources } from "./reader";
export type {
  AppConfig,
  BackendType,
  DeploymentSettings,
  InstanceSettings,
  Permissions,
  RoleSettings,
  SourceAuth,
  StateLock,
  StateSettings,
  TargetSettings,
} from "./types";
