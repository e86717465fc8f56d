/**
 * What every policy rule is, how a rule reads a resource, and how a construct opts out of a rule.
 *
 * A rule is a pure function from one Terraform resource or data source to its problems; the
 * `PolicyChecks` aspect (policy-checks.ts) runs the rules and reports through `Annotations`, so an error
 * fails `cdktf synth` (modelled on cdk-nag's rules and suppressions).
 */
import { IConstruct } from "constructs";
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformDataSource,
  TerraformElement,
  TerraformResource,
  Tokenization,
} from "cdktf";

/** Names of all rules, the ones {@link suppressPolicyRule} accepts. */
export const POLICY_RULE_NAMES = [
  "TrustPolicyNoWildcardPrincipal",
  "IamNoWildcardActionOnAllResources",
  "IamActionsExistAndConditionKeysApply",
  "InstanceRequiresImdsv2",
  "InstanceRootVolumeEncrypted",
  "EbsVolumeEncrypted",
  "InstanceNoPublicIp",
  "TrustPolicyAccountRootNeedsCondition",
] as const;

/** Name of a policy rule. */
export type PolicyRuleName = (typeof POLICY_RULE_NAMES)[number];

/** What a finding of a rule does: an error fails synth, a warning is only printed. */
export type PolicyRuleLevel = "error" | "warning";

/** A resource or data source as a rule sees it. */
export interface PolicySubject {
  /** The resource or data source. */
  readonly element: TerraformElement;
  /** Its Terraform type: `aws_instance`, or `data.aws_iam_policy_document` for a data source. */
  readonly type: string;
  /**
   * Its arguments as synthesized (snake_case, escape-hatch overrides included), with every token
   * resolved to a Terraform expression such as `${data.aws_partition.Partition.partition}`: a
   * string containing one is unknown until plan (see {@link isUnknown}).
   */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A policy check: one rule, one file, one pure function. */
export interface PolicyRule {
  /** Name, quoted in every finding and in suppressions. */
  readonly name: PolicyRuleName;
  /** Whether a finding fails synth. */
  readonly level: PolicyRuleLevel;
  /**
   * The problems of a subject, each a sentence that says what is wrong and what to do; empty when
   * the subject complies, is not the rule's concern, or its relevant values are unknown until plan.
   * Reads the subject (and the constructs it refers to), never changes anything.
   */
  check(subject: PolicySubject): readonly string[];
}

// ---------------------------------------------------------------------------
// Reading subjects

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * The subject a rule checks, or undefined for a construct that is no resource or data source.
 * Reads the synthesized form rather than the generated getters: those return references to the
 * resource's attributes (`${aws_instance.x.associate_public_ip_address}`), not the configured
 * values, and the `*Input` getters miss `addOverride`.
 */
export function policySubject(construct: IConstruct): PolicySubject | undefined {
  const isData = TerraformDataSource.isTerraformDataSource(construct);
  if (!isData && !TerraformResource.isTerraformResource(construct)) return undefined;
  // `preparing: false`: resolving here must not create cross-stack references.
  const synthesized = Tokenization.resolve(construct.toTerraform(), {
    scope: construct,
    resolver: RESOLVER,
    preparing: false,
  }) as Record<string, Record<string, Record<string, Record<string, unknown>>> | undefined>;
  const byType = synthesized[isData ? "data" : "resource"]?.[construct.terraformResourceType] ?? {};
  const attributes = { ...(Object.values(byType)[0] ?? {}) };
  delete attributes["//"];
  return {
    element: construct,
    type: `${isData ? "data." : ""}${construct.terraformResourceType}`,
    attributes,
  };
}

/** Whether a synthesized value is (or contains) a Terraform expression, unknown until plan. */
export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && /[$%]\{/.test(value);
}

/**
 * A nested block of a synthesized resource (`metadata_options`): an object, or the first of a
 * list; undefined when absent, and `"unknown"` when it is an expression or a dynamic block.
 */
export function singleBlock(value: unknown): Readonly<Record<string, unknown>> | undefined | "unknown" {
  if (value === undefined || value === null) return undefined;
  const block = Array.isArray(value) ? value[0] : value;
  if (block === undefined) return undefined;
  if (typeof block !== "object" || block === null || isUnknown(block)) return "unknown";
  return block as Record<string, unknown>;
}

/** A synthesized boolean: true, false, or undefined when absent or unknown. */
export function booleanValue(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/**
 * What a finding says of a boolean argument that must be true: undefined when it is true or
 * unknown until plan, otherwise `not set` or its value (`false`).
 */
export function unlessTrue(value: unknown): string | undefined {
  if (booleanValue(value) === true || isUnknown(value)) return undefined;
  return value === undefined ? "not set" : JSON.stringify(value);
}

// ---------------------------------------------------------------------------
// Suppressions

/** Metadata type of a suppression on a construct's node. */
export const SUPPRESSION_METADATA_TYPE = "cdktf-policy/suppress";

/** A rule that a construct, and everything under it, opts out of. */
export interface PolicySuppression {
  /** The rule. */
  readonly rule: PolicyRuleName;
  /** Why the finding is accepted; printed in place of the finding. */
  readonly reason: string;
  /** Path of the construct the suppression was put on. */
  readonly path: string;
}

/**
 * Turns a rule off for a construct and all its children, for a reason that synth prints in place
 * of the finding. Recorded as node metadata, so the construct tree shows every suppression.
 *
 * @throws if the rule is unknown or the reason is blank.
 */
export function suppressPolicyRule(scope: IConstruct, rule: PolicyRuleName, reason: string): void {
  if (!(POLICY_RULE_NAMES as readonly string[]).includes(rule)) {
    throw new Error(
      `Cannot suppress unknown policy rule "${rule}" on ${scope.node.path}; known rules: ${POLICY_RULE_NAMES.join(", ")}`,
    );
  }
  if (typeof reason !== "string" || reason.trim() === "") {
    throw new Error(
      `Suppressing policy rule ${rule} on ${scope.node.path} needs a reason: say why the finding is acceptable`,
    );
  }
  scope.node.addMetadata(SUPPRESSION_METADATA_TYPE, { rule, reason: reason.trim() });
}

/** The suppression of a rule nearest to a construct: on the construct itself or on a parent. */
export function findPolicySuppression(construct: IConstruct, rule: PolicyRuleName): PolicySuppression | undefined {
  // `scopes` runs from the root down; the nearest suppression is the most specific one.
  for (const scope of [...construct.node.scopes].reverse()) {
    const entry = scope.node.metadata.find(
      (m) => m.type === SUPPRESSION_METADATA_TYPE && (m.data as { rule?: unknown }).rule === rule,
    );
    if (entry) return { rule, reason: (entry.data as { reason: string }).reason, path: scope.node.path };
  }
  return undefined;
}
