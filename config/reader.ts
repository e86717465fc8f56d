/**
 * Reads settings from their raw values: each is parsed by its declaration the first time a rule
 * or the assembly asks for it, so problems are reported in the order the settings are read, and
 * every problem is collected rather than thrown.
 */
import { show } from "./show";
import { DECLARATIONS, ResolvedSettingValue, SettingKey, SettingValue } from "./settings";

/** A raw value and where it came from, for messages: `default`, `context "key"`, `env NAME`. */
export interface Raw {
  readonly value: unknown;
  readonly from: string;
}

/** The raw value of each setting that is set. */
export type RawSettings = Partial<Record<SettingKey, Raw>>;

/** Where the settings come from. */
export interface ConfigSources {
  /** Reads a key of the app's context (cdktf.json `context`). */
  readonly context: (key: string) => unknown;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that a relative `stateDir` is resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** The raw value of every setting: the environment wins over the context; empty means unset. */
export function gather(sources: ConfigSources): RawSettings {
  const raw: RawSettings = {};
  for (const [key, setting] of Object.entries(DECLARATIONS) as [SettingKey, { env: string }][]) {
    const fromContext = sources.context(key);
    if (fromContext !== undefined && fromContext !== null) {
      raw[key] = { value: fromContext, from: `context "${key}"` };
    }
    const fromEnv = sources.env[setting.env];
    if (fromEnv !== undefined && fromEnv !== "") {
      raw[key] = { value: fromEnv, from: `env ${setting.env}` };
    }
  }
  return raw;
}

/** Collects problems and parses raw values into typed ones, each by its declaration. */
export class Reader {
  readonly problems: string[] = [];
  private readonly parsed = new Map<SettingKey, unknown>();

  constructor(
    private readonly raw: RawSettings,
    /** Prefix of every setting's name in messages, e.g. `targets[0].`. */
    private readonly prefix = "",
  ) {}

  /** Records a problem of `key`: its name, where its value came from, the value, and `allowed`. */
  fail(key: SettingKey, allowed: string): undefined {
    const r = this.raw[key];
    this.problems.push(`${this.prefix}${key} (${r?.from ?? "default"}) is ${show(r?.value)}; ${allowed}`);
    return undefined;
  }

  /** Whether `key` is set, to a valid value or not. */
  has(key: SettingKey): boolean {
    const r = this.raw[key];
    return r !== undefined && r.value !== undefined && r.value !== "";
  }

  /** Where the value of `key` came from. */
  from(key: SettingKey): string {
    return this.raw[key]?.from ?? "default";
  }

  /** The value set for `key`, parsed; undefined when it is not set, or not valid (a problem then). */
  given<K extends SettingKey>(key: K): SettingValue<K> | undefined {
    if (!this.parsed.has(key)) this.parsed.set(key, this.parse(key));
    return this.parsed.get(key) as SettingValue<K> | undefined;
  }

  /** The value of `key`: the one given if valid, else the declared default. */
  get<K extends SettingKey>(key: K): ResolvedSettingValue<K> {
    return (this.given(key) ?? DECLARATIONS[key].defaultValue) as ResolvedSettingValue<K>;
  }

  /** Parses every setting not read yet, so that none goes unchecked; `except` are read elsewhere. */
  readTheRest(except: readonly SettingKey[]): void {
    for (const key of Object.keys(DECLARATIONS) as SettingKey[]) {
      if (!except.includes(key)) this.given(key);
    }
  }

  private parse(key: SettingKey): unknown {
    if (!this.has(key)) return undefined;
    const { value, problem } = DECLARATIONS[key].parse(this.raw[key]!.value);
    if (problem !== undefined) this.fail(key, problem);
    return value;
  }
}
