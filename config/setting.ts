/**
 * The declaration of one setting: its environment variable, what is allowed and how a raw value
 * is parsed, its default, whether a target may override it, and its line in the docs. Everything
 * else about a setting (the types, `DEFAULTS`, the target keys, the messages, the settings
 * reference in the docs) is derived from these declarations.
 */

/** What parsing a raw value gave: a value, a problem, or both (a usable value that breaks a limit). */
export interface Parsed<T> {
  /** The typed value; absent when the raw value cannot be used at all. */
  readonly value?: T;
  /** What is wrong, after `is <value>; ` in the message. */
  readonly problem?: string;
}

/** Parses a raw value from cdktf.json (any JSON) or from the environment (a string). */
export type Parse<T> = (raw: unknown) => Parsed<T>;

/** How the docs show a default. */
export interface DefaultDoc {
  /** The value, shown as code; absent when the default is a behaviour. */
  readonly value?: unknown;
  /** Words after (or instead of) the value. */
  readonly note?: string;
}

interface SettingSpec<T> {
  readonly env: string;
  readonly allowed: string;
  readonly parse: Parse<T>;
  readonly defaultValue?: T;
  readonly defaultDoc?: DefaultDoc;
  readonly perTarget: boolean;
  readonly common: boolean;
  readonly about: string;
}

/**
 * One setting. Build it with the functions of `kinds.ts` and chain the rest:
 * `text("ROLE_NAME", IAM_ROLE_NAME, "must be ...").default("cdktf-assume-role-ec2").perTarget()`.
 *
 * @typeParam T - the type of a valid value.
 * @typeParam HasDefault - whether a value always exists (a declared default), which makes the
 *   value type `T` rather than `T | undefined`.
 */
export class Setting<T, HasDefault extends boolean = false> {
  /** Whether the setting has a declared default; kept as a field so the type parameter is checked. */
  readonly hasDefault: HasDefault;

  private constructor(private readonly spec: SettingSpec<T>) {
    this.hasDefault = (spec.defaultValue !== undefined) as HasDefault;
  }

  /** A setting without default, not per target, not common; for the kinds in `kinds.ts`. */
  static declare<T>(env: string, allowed: string, parse: Parse<T>): Setting<T> {
    return new Setting<T>({ env, allowed, parse, perTarget: false, common: false, about: "" });
  }

  /** The environment variable; it wins over cdktf.json's context. */
  get env(): string {
    return this.spec.env;
  }

  /** The sentence of what is allowed, as messages end: `must be ...`. */
  get allowed(): string {
    return this.spec.allowed;
  }

  /** Parses and checks a raw value. */
  get parse(): Parse<T> {
    return this.spec.parse;
  }

  /** The value when the setting is not set; undefined when there is none or it is computed. */
  get defaultValue(): T | undefined {
    return this.spec.defaultValue;
  }

  /** How the docs show the default. */
  get defaultDoc(): DefaultDoc {
    return this.spec.defaultDoc ?? (this.hasDefault ? { value: this.spec.defaultValue } : { note: "none" });
  }

  /** Whether an entry of `targets` may override the setting. */
  get isPerTarget(): boolean {
    return this.spec.perTarget;
  }

  /** Whether README's short table lists it: a setting most users change. */
  get isCommon(): boolean {
    return this.spec.common;
  }

  /** What the setting does, for the docs. */
  get description(): string {
    return this.spec.about;
  }

  /** The value when the setting is not set; `note` adds words for the docs. */
  default(value: T, note?: string): Setting<T, true> {
    return new Setting<T, true>({ ...this.spec, defaultValue: value, defaultDoc: { value, note } });
  }

  /** A default that a rule computes (from other settings); `doc` says what it is, for the docs. */
  defaultIs(doc: string): Setting<T, HasDefault> {
    return new Setting<T, HasDefault>({ ...this.spec, defaultDoc: { note: doc } });
  }

  /** An entry of `targets` may override it. */
  perTarget(): Setting<T, HasDefault> {
    return new Setting<T, HasDefault>({ ...this.spec, perTarget: true });
  }

  /** One of the settings most users change: README lists it. */
  common(): Setting<T, HasDefault> {
    return new Setting<T, HasDefault>({ ...this.spec, common: true });
  }

  /** What it does, a sentence for the docs (Markdown). */
  about(text: string): Setting<T, HasDefault> {
    return new Setting<T, HasDefault>({ ...this.spec, about: text });
  }
}

/** Any setting, whatever its value type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySetting = Setting<any, boolean>;

/** The type of a valid value of a setting. */
export type ValueOf<S> = S extends Setting<infer T, boolean> ? T : never;

/** The type of a setting's value once its default applies: `T`, or `T | undefined` without one. */
export type ResolvedValueOf<S> = S extends Setting<infer T, true> ? T : ValueOf<S> | undefined;
