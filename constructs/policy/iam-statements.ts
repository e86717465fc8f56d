/**
 * IAM policy statements in one shape, read from `aws_iam_policy_document` data sources and from
 * JSON policies, for the rules that check policies. Strings keep the Terraform expressions they
 * contain (`arn:${data.aws_partition.P.partition}:iam::...`); a list that is unknown as a whole
 * reads as empty, and a statement whose effect or conditions are unknown says so.
 */
import { IConstruct } from "constructs";
import { TerraformDataSource, TerraformStack } from "cdktf";
import { isUnknown, policySubject } from "./rule";

/** A principal of a statement: `{ type: "AWS", identifiers: [...] }`. */
export interface IamPrincipal {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for `"Principal": "*"`. */
  readonly type: string;
  /** ARNs, account ids, service names or `*`. */
  readonly identifiers: readonly string[];
}

/** One statement of a policy. */
export interface IamStatement {
  /** The statement's id, if it has one. */
  readonly sid?: string;
  /** 1-based position in its document, to name a statement without a sid. */
  readonly position: number;
  /** `Allow` or `Deny`; undefined when unknown until plan. */
  readonly effect: string | undefined;
  readonly actions: readonly string[];
  /** `NotAction` (`not_actions`): the statement applies to every action but these. */
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  /** `NotResource` (`not_resources`): the statement applies to every resource but these. */
  readonly notResources: readonly string[];
  readonly principals: readonly IamPrincipal[];
  /** How many conditions the statement has; undefined when unknown until plan. */
  readonly conditionCount: number | undefined;
  /**
   * The condition keys its conditions test (`aws:RequestedRegion`), those known before plan;
   * empty when the conditions are unknown until plan.
   */
  readonly conditionKeys: readonly string[];
}

/** How a finding names a statement: `statement "TrustSourceAccount"` or `statement 2`. */
export function statementLabel(statement: IamStatement): string {
  return statement.sid !== undefined ? `statement "${statement.sid}"` : `statement ${statement.position}`;
}

/** An IAM wildcard pattern (`*`, `?`) as a case-insensitive regular expression, as IAM matches actions. */
export function globRegExp(glob: string): RegExp {
  const source = glob
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i");
}

/** The text of a value without its Terraform expressions: what is certain before plan. */
export function literalText(value: string): string {
  return value.replace(/[$%]\{[^}]*\}/g, "");
}

function stringList(value: unknown): string[] {
  if (typeof value === "string") return isUnknown(value) ? [] : [value];
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === "string");
}

function knownString(value: unknown): value is string {
  return typeof value === "string" && !isUnknown(value);
}

function sidOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && !isUnknown(value) ? value : undefined;
}

function effectOf(value: unknown, absent: string | undefined): string | undefined {
  if (value === undefined) return absent;
  return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/**
 * The statements of a policy document data source's own `statement` blocks; undefined when they
 * are unknown (an expression or a dynamic block).
 */
export function documentStatements(attributes: Readonly<Record<string, unknown>>): IamStatement[] | undefined {
  const raw = attributes.statement;
  if (attributes.dynamic !== undefined || (raw !== undefined && !Array.isArray(raw))) return undefined;
  return ((raw as unknown[] | undefined) ?? []).map((s, i) => {
    const st = (typeof s === "object" && s !== null ? s : {}) as Record<string, unknown>;
    const condition = st.condition;
    const conditionKeys = Array.isArray(condition)
      ? condition.map((c: Record<string, unknown> | null) => c?.variable).filter(knownString)
      : [];
    return {
      sid: sidOf(st.sid),
      position: i + 1,
      effect: effectOf(st.effect, "Allow"),
      actions: stringList(st.actions),
      notActions: stringList(st.not_actions),
      resources: stringList(st.resources),
      notResources: stringList(st.not_resources),
      principals: (Array.isArray(st.principals) ? st.principals : []).map((p: Record<string, unknown> | null) => ({
        type: typeof p?.type === "string" ? p.type : "",
        identifiers: stringList(p?.identifiers),
      })),
      conditionCount: condition === undefined ? 0 : Array.isArray(condition) ? condition.length : undefined,
      conditionKeys,
    };
  });
}

function jsonPrincipals(value: unknown): IamPrincipal[] {
  if (value === "*") return [{ type: "*", identifiers: ["*"] }];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  return Object.entries(value).map(([type, ids]) => ({ type, identifiers: stringList(ids) }));
}

/** The statements of a JSON policy; undefined when it is no JSON policy (e.g. `${jsonencode(...)}`). */
export function jsonStatements(policy: string): IamStatement[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const raw = (parsed as Record<string, unknown>).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((s: unknown, i) => {
    const st = (typeof s === "object" && s !== null ? s : {}) as Record<string, unknown>;
    const condition = st.Condition;
    const operators = typeof condition === "object" && condition !== null ? Object.values(condition) : [];
    const conditionKeys = operators.flatMap((o) => (typeof o === "object" && o !== null ? Object.keys(o) : []));
    return {
      sid: sidOf(st.Sid),
      position: i + 1,
      // A statement without Effect is invalid; do not guess what IAM would make of it.
      effect: effectOf(st.Effect, undefined),
      actions: stringList(st.Action),
      notActions: stringList(st.NotAction),
      resources: stringList(st.Resource),
      notResources: stringList(st.NotResource),
      principals: jsonPrincipals(st.Principal),
      conditionCount:
        condition === undefined
          ? 0
          : typeof condition === "object" && condition !== null
            ? Object.keys(condition).length
            : undefined,
      conditionKeys: conditionKeys.filter(knownString),
    };
  });
}

/** Resources whose `policy` argument is a permissions policy. */
const POLICY_RESOURCES = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

/** JSON permissions policies of a subject; the JSON of a policy document is checked on the document. */
function jsonPolicies(values: unknown[]): IamStatement[] {
  return values
    .filter((v): v is string => typeof v === "string" && !isDocumentReference(v))
    .flatMap((v) => jsonStatements(v) ?? []);
}

/**
 * The statements of a resource's or data source's permissions policy: a policy document's own
 * statements and the JSON literals it merges, or the JSON `policy` of an IAM policy resource or
 * inline policy. The JSON of a policy document data source is checked on the document itself.
 */
export function permissionStatements(type: string, attributes: Readonly<Record<string, unknown>>): IamStatement[] {
  if (type === "data.aws_iam_policy_document") {
    // Its own statements, and the JSON literals it merges (referenced documents are checked themselves).
    const merged = [attributes.source_policy_documents, attributes.override_policy_documents].flatMap((v) =>
      Array.isArray(v) ? v.filter((p) => !isUnknown(p)) : [],
    );
    return [...(documentStatements(attributes) ?? []), ...jsonPolicies(merged)];
  }
  if (POLICY_RESOURCES.includes(type)) return jsonPolicies([attributes.policy]);
  if (type === "aws_iam_role" && Array.isArray(attributes.inline_policy)) {
    return jsonPolicies(attributes.inline_policy.map((p: Record<string, unknown>) => p?.policy));
  }
  return [];
}

const DOCUMENT_REFERENCE_RE = /^\$\{data\.aws_iam_policy_document\.([^.{}]+)\.(?:minified_)?json\}$/;

/** Whether a policy argument is the JSON of a policy document data source (checked on its own). */
export function isDocumentReference(policy: unknown): boolean {
  return typeof policy === "string" && DOCUMENT_REFERENCE_RE.test(policy);
}

/** Terraform's limit on nesting is far lower; this only stops a malformed tree from looping. */
const MAX_DEPTH = 8;

/**
 * The statements a policy argument (such as `assume_role_policy`) ends up with: a JSON policy, or
 * the JSON of a policy document data source in the same stack, merged with its
 * `source_policy_documents` and `override_policy_documents` as the provider does (a later
 * statement replaces an earlier one with the same sid). Undefined when any part is unknown.
 */
export function policyStatements(scope: IConstruct, policy: unknown, depth = 0): IamStatement[] | undefined {
  if (typeof policy !== "string" || depth > MAX_DEPTH) return undefined;
  const match = DOCUMENT_REFERENCE_RE.exec(policy);
  if (!match) return jsonStatements(policy);

  const document = TerraformStack.of(scope)
    .node.findAll()
    .find(
      (c): c is TerraformDataSource =>
        TerraformDataSource.isTerraformDataSource(c) &&
        c.terraformResourceType === "aws_iam_policy_document" &&
        c.friendlyUniqueId === match[1],
    );
  const attributes = document && policySubject(document)?.attributes;
  const own = attributes && documentStatements(attributes);
  if (!attributes || !own) return undefined;

  const bySid = new Map<string, IamStatement>();
  const withoutSid: IamStatement[] = [];
  const add = (statements: IamStatement[]): void => {
    for (const s of statements) {
      if (s.sid !== undefined) bySid.set(s.sid, s);
      else withoutSid.push(s);
    }
  };
  const nested = (value: unknown): IamStatement[][] | undefined => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) return undefined;
    const lists = value.map((p) => policyStatements(scope, p, depth + 1));
    return lists.every((l) => l !== undefined) ? (lists as IamStatement[][]) : undefined;
  };
  const sources = nested(attributes.source_policy_documents);
  const overrides = nested(attributes.override_policy_documents);
  if (!sources || !overrides) return undefined;
  sources.forEach(add);
  add(own);
  overrides.forEach(add);
  return [...bySid.values(), ...withoutSid];
}
