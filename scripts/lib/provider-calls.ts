/**
 * The AWS API calls the AWS provider makes for ec2-stack, read from Terraform's debug log
 * (`TF_LOG=DEBUG`: the provider logs every request it sends, with its body), and the list of
 * them recorded from a real run (`npm run record:provider-calls`). The unit tests evaluate every
 * recorded call against the synthesized policies; the enforced-IAM end-to-end test fails when
 * its own run makes a call the list lacks.
 *
 * Only request parameters are kept, never a response (which holds session credentials); ids and
 * tokens that differ from run to run become placeholders such as `<instance id>`.
 */
import * as fs from "fs";
import * as path from "path";

/** The recorded list, in the repository. */
export const RECORDED_CALLS_FILE = path.join(__dirname, "..", "..", "__tests__", "iam", "provider-calls.json");

/** Who signs a call: the source profile's own key, or the session of the assumed role. */
export type Caller = "source" | "role";

/** The steps of the recorded run, in order. */
export const PHASES = ["create", "refresh", "change", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

/** One API call as the provider sent it. */
export interface ProviderCall {
  /** `<service>:<Operation>`, as IAM names the action: `ec2:RunInstances`. */
  readonly action: string;
  readonly caller: Caller;
  /** The request's parameters (query-protocol names), normalized; without `Action` and `Version`. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** A distinct call of the recorded run and the steps it was made in. */
export interface RecordedCall extends ProviderCall {
  readonly phases: readonly Phase[];
}

/** The recorded list. */
export interface RecordedCalls {
  /** What made the calls. */
  readonly recordedWith: Readonly<Record<string, string>>;
  /** The settings of each step (environment variables), on top of the enforced-IAM sandbox's. */
  readonly settings: Readonly<Record<Phase, Readonly<Record<string, string>>>>;
  readonly calls: readonly RecordedCall[];
}

/** Settings of the run's first steps: least privilege, and a tag that the change removes. */
export const INITIAL_SETTINGS: Readonly<Record<string, string>> = {
  PERMISSIONS: "least-privilege",
  TAGS: "team=platform",
};

/**
 * Settings of the change step and after: a tag added and one removed, a new instance type (the
 * least-privilege policy allows the configured type only, so iam-stack is deployed first). The
 * step also undoes a drift of the metadata options, see {@link METADATA_DRIFT_HOP_LIMIT}.
 */
export const CHANGED_SETTINGS: Readonly<Record<string, string>> = {
  ...INITIAL_SETTINGS,
  TAGS: "env=dev",
  INSTANCE_TYPE: "t3.micro",
};

/**
 * No setting changes the metadata options, so the change step sets the instance's hop limit to
 * this value out of band first; the deploy sets it back with ModifyInstanceMetadataOptions.
 */
export const METADATA_DRIFT_HOP_LIMIT = 2;

/** The environment that makes Terraform log every request of the provider to `file`. */
export function callLogEnv(file: string): Record<string, string> {
  return { TF_LOG: "DEBUG", TF_LOG_PATH: file };
}

const ENTRY_START = /^\d{4}-\d\d-\d\dT\S+ \[[A-Z]+\]/;

/** Placeholders for values that differ between runs, by the shape of the value. */
const VARYING_VALUES: readonly [RegExp, string][] = [
  [/^i-[0-9a-f]+$/, "<instance id>"],
  [/^ami-[0-9a-f]+$/, "<image id>"],
  [/^subnet-[0-9a-f]+$/, "<subnet id>"],
  [/^vol-[0-9a-f]+$/, "<volume id>"],
  [/^vpc-[0-9a-f]+$/, "<vpc id>"],
  [/^sg-[0-9a-f]+$/, "<security group id>"],
  [/^eni-[0-9a-f]+$/, "<network interface id>"],
  [/^arn:[^:]+:iam::\d{12}:role\/.+$/, "<role arn>"],
];

/**
 * Request parameters as a tree: `TagSpecification.1.Tag.2.Key` becomes
 * `{ TagSpecification: [{ Tag: [<hole>, { Key }] }] }`; the items of a list of plain values
 * (`InstanceId.1`) are `{ value }`.
 */
export type ParameterTree = { [name: string]: string | ParameterTree | ParameterTree[] };

/** The tree of flat query-protocol parameters. */
export function parameterTree(parameters: Readonly<Record<string, string>>): ParameterTree {
  const root: ParameterTree = {};
  for (const [name, value] of Object.entries(parameters)) {
    const parts = name.split(".");
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const last = i === parts.length - 1;
      if (last) {
        node[part] = value;
      } else if (/^\d+$/.test(parts[i + 1])) {
        const list = (node[part] ??= []) as ParameterTree[];
        node = list[Number(parts[i + 1]) - 1] ??= {};
        i++;
        if (i === parts.length - 1) node.value = value;
      } else {
        node = (node[part] ??= {}) as ParameterTree;
      }
    }
  }
  return root;
}

/** Flat parameters of a tree, with every list in a stable order (the provider sends tags in map order). */
function canonicalParameters(parameters: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const flatten = (node: ParameterTree, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      const path = prefix === "" ? name : `${prefix}.${name}`;
      if (typeof value === "string") {
        out[path] = value;
      } else if (Array.isArray(value)) {
        const items = value.filter((v) => v !== undefined).sort((a, b) => stable(a).localeCompare(stable(b)));
        items.forEach((item, i) => {
          if (Object.keys(item).length === 1 && typeof item.value === "string") out[`${path}.${i + 1}`] = item.value;
          else flatten(item, `${path}.${i + 1}`);
        });
      } else {
        flatten(value, path);
      }
    }
  };
  flatten(parameterTree(parameters), "");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function stable(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  return `{${Object.entries(value)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`)
    .join(",")}}`;
}

function normalizedValue(name: string, value: string): string {
  if (name === "ClientToken") return "<client token>";
  return VARYING_VALUES.find(([re]) => re.test(value))?.[1] ?? value;
}

/** The calls in a Terraform debug log, in the order they were sent (retries included). */
export function parseProviderLog(text: string): ProviderCall[] {
  const entries: string[][] = [];
  for (const line of text.split("\n")) {
    if (ENTRY_START.test(line)) entries.push([line]);
    else entries.at(-1)?.push(line);
  }
  const calls: ProviderCall[] = [];
  for (const lines of entries) {
    const entry = lines.join("\n");
    if (!/: HTTP Request Sent:/.test(lines[0])) continue;
    const service = /\brpc\.service=(\w+)/.exec(entry)?.[1];
    const operation = /\brpc\.method=(\w+)/.exec(entry)?.[1];
    // Long-term keys start with AKIA, session credentials with ASIA; the log masks the rest.
    const key = /Credential=(AKIA|ASIA)/.exec(entry)?.[1];
    if (!service || !operation || !key) throw new Error(`cannot read the provider's request: ${lines[0]}`);
    const start = lines.findIndex((l) => /\bhttp\.request\.body=$/.test(l));
    const body: string[] = [];
    for (let i = start + 1; start >= 0 && i < lines.length && lines[i].startsWith("  | "); i++) {
      body.push(lines[i].slice(4));
    }
    const parameters: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(body.join(""))) {
      if (name !== "Action" && name !== "Version") parameters[name] = normalizedValue(name, value);
    }
    calls.push({
      action: `${service.toLowerCase()}:${operation}`,
      caller: key === "AKIA" ? "source" : "role",
      parameters: canonicalParameters(parameters),
    });
  }
  return calls;
}

/** What makes two calls the same call: action, caller and parameters (lists in any order). */
export function callKey(call: ProviderCall): string {
  return JSON.stringify([call.action, call.caller, Object.entries(canonicalParameters(call.parameters))]);
}

/** The distinct calls of each phase's log, with the phases each was made in, sorted. */
export function distinctCalls(byPhase: ReadonlyMap<Phase, readonly ProviderCall[]>): RecordedCall[] {
  const found = new Map<string, { call: ProviderCall; phases: Set<Phase> }>();
  for (const [phase, calls] of byPhase) {
    for (const call of calls) {
      const key = callKey(call);
      const seen = found.get(key) ?? { call, phases: new Set<Phase>() };
      seen.phases.add(phase);
      found.set(key, seen);
    }
  }
  return [...found.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, { call, phases }]) => ({
      action: call.action,
      caller: call.caller,
      phases: PHASES.filter((p) => phases.has(p)),
      parameters: canonicalParameters(call.parameters),
    }));
}

/** The calls that the recorded list lacks, each once. */
export function unrecordedCalls(calls: readonly ProviderCall[], recorded: RecordedCalls): ProviderCall[] {
  const known = new Set(recorded.calls.map(callKey));
  const missing = new Map<string, ProviderCall>();
  for (const call of calls) if (!known.has(callKey(call))) missing.set(callKey(call), call);
  return [...missing.values()];
}

/** The recorded list from the repository. */
export function loadRecordedCalls(file = RECORDED_CALLS_FILE): RecordedCalls {
  return JSON.parse(fs.readFileSync(file, "utf8")) as RecordedCalls;
}
