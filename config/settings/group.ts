import { AnySetting } from "../setting";

/** Settings that belong together, as the docs present them. */
export interface SettingGroup<S extends Readonly<Record<string, AnySetting>>> {
  /** Heading in docs/settings.md. */
  readonly title: string;
  /** A sentence or two before the group's table (Markdown). */
  readonly intro: string;
  /** The declarations, keyed by the setting's name in cdktf.json's context. */
  readonly settings: S;
}

/** Declares a group; the order of `settings` is the order of the docs and of the checks. */
export function group<const S extends Readonly<Record<string, AnySetting>>>(
  title: string,
  intro: string,
  settings: S,
): SettingGroup<S> {
  return { title, intro, settings };
}
