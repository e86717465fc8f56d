/**
 * The IAM JSON of a synthesized `aws_iam_policy_document`, as the AWS provider renders it at plan:
 * the same statements, with the Terraform expressions in them (partition, account ids) replaced by
 * the values they take in a given pair of accounts. The enforced-IAM end-to-end test compares this
 * rendering with the documents the provider created, so the evaluation specs judge what AWS gets.
 */

/** A synthesized block (snake_case, as in cdk.tf.json). */
type Block = Record<string, unknown>;

/** A policy as IAM reads it. */
export interface PolicyJson {
  readonly Version: string;
  readonly Statement: readonly Record<string, unknown>[];
}

/** The accounts that the expressions of a stack resolve to. */
export interface Accounts {
  /** The account of the provider aliased `source`. */
  readonly source: string;
  /** The account of every other provider: the destination, or the role the ec2-stack assumes. */
  readonly destination: string;
  /** @default "aws" */
  readonly partition?: string;
}

/** The parts of a synthesized stack that hold the documents and what their expressions refer to. */
export interface SynthesizedStack {
  readonly data?: Record<string, Record<string, Block>>;
  readonly resource?: Record<string, Record<string, Block>>;
}

/** Replaces the expressions of a string: `${data.aws_partition.X.partition}` and caller identities' account ids. */
function resolver(stack: SynthesizedStack, accounts: Accounts): (text: string) => string {
  return (text) =>
    text.replace(/\$\{([^}]*)\}/g, (expression, inner: string) => {
      const [kind, type, name, attribute] = inner.split(".");
      if (kind === "data" && type === "aws_partition" && attribute === "partition") return accounts.partition ?? "aws";
      if (kind === "data" && type === "aws_caller_identity" && attribute === "account_id") {
        const provider = stack.data?.aws_caller_identity?.[name]?.provider;
        return provider === "aws.source" ? accounts.source : accounts.destination;
      }
      throw new Error(`no value for ${expression} in ${text}: extend policy-json.ts if a policy now refers to it`);
    });
}

const oneOrMany = (values: readonly string[]): string | string[] => (values.length === 1 ? values[0] : [...values]);

/** The JSON policy of a synthesized `aws_iam_policy_document` data source of `stack`. */
export function renderDocument(stack: SynthesizedStack, documentName: string, accounts: Accounts): PolicyJson {
  const document = stack.data?.aws_iam_policy_document?.[documentName];
  if (!document) throw new Error(`no aws_iam_policy_document ${documentName} in the stack`);
  if (document.source_policy_documents || document.override_policy_documents || document.dynamic) {
    throw new Error(`${documentName} merges other documents: extend policy-json.ts to render it`);
  }
  const resolve = resolver(stack, accounts);
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map((v) => resolve(String(v))) : []);
  const statements = (document.statement as Block[]).map((s) => {
    const out: Record<string, unknown> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    for (const [from, to] of [
      ["actions", "Action"],
      ["not_actions", "NotAction"],
      ["resources", "Resource"],
      ["not_resources", "NotResource"],
    ] as const) {
      if (s[from] !== undefined) out[to] = oneOrMany(list(s[from]));
    }
    if (s.principals !== undefined) {
      out.Principal = Object.fromEntries(
        (s.principals as Block[]).map((p) => [p.type as string, oneOrMany(list(p.identifiers))]),
      );
    }
    if (s.condition !== undefined) {
      const condition: Record<string, Record<string, string | string[]>> = {};
      for (const c of s.condition as Block[]) {
        const test = (condition[c.test as string] ??= {});
        const variable = resolve(c.variable as string);
        if (test[variable] !== undefined) throw new Error(`${documentName}: ${c.test} on ${variable} twice`);
        test[variable] = oneOrMany(list(c.values));
      }
      out.Condition = condition;
    }
    return out;
  });
  return { Version: "2012-10-17", Statement: statements };
}

/** The name of the one `aws_iam_policy_document` of `stack` whose name contains `part`. */
export function documentNamed(stack: SynthesizedStack, part: string): string {
  const names = Object.keys(stack.data?.aws_iam_policy_document ?? {}).filter((n) => n.includes(part));
  if (names.length !== 1) throw new Error(`expected one policy document named *${part}*, found ${names.join(", ")}`);
  return names[0];
}

/**
 * A policy in a form where the provider's and IAM's rendering choices do not matter: a single
 * value as a list, lists sorted, statements by Sid.
 */
export function canonicalPolicy(policy: unknown): unknown {
  const canonical = (value: unknown): unknown => {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return [...value].map(canonical).sort((a, b) => (stable(a) < stable(b) ? -1 : 1));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== "Version")
          .map(([key, v]) => [key, key === "Sid" || key === "Effect" ? v : canonical(v)])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      );
    }
    return value;
  };
  return canonical(policy);
}

function stable(value: unknown): string {
  return JSON.stringify(value);
}
