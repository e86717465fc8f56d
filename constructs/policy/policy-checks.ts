import { IConstruct } from "constructs";
import { Annotations, IAspect } from "cdktf";
import { EbsVolumeEncrypted } from "./ebs-volume-encrypted";
import { IamActionsExistAndConditionKeysApply } from "./iam-actions-exist-and-condition-keys-apply";
import { IamNoWildcardActionOnAllResources } from "./iam-no-wildcard-action-on-all-resources";
import { InstanceNoPublicIp } from "./instance-no-public-ip";
import { InstanceRequiresImdsv2 } from "./instance-requires-imdsv2";
import { InstanceRootVolumeEncrypted } from "./instance-root-volume-encrypted";
import { findPolicySuppression, PolicyRule, policySubject } from "./rule";
import { TrustPolicyAccountRootNeedsCondition } from "./trust-policy-account-root-needs-condition";
import { TrustPolicyNoWildcardPrincipal } from "./trust-policy-no-wildcard-principal";

/** Every rule, in the order of `POLICY_RULE_NAMES`. */
export const ALL_POLICY_RULES: readonly PolicyRule[] = [
  TrustPolicyNoWildcardPrincipal,
  IamNoWildcardActionOnAllResources,
  IamActionsExistAndConditionKeysApply,
  InstanceRequiresImdsv2,
  InstanceRootVolumeEncrypted,
  EbsVolumeEncrypted,
  InstanceNoPublicIp,
  TrustPolicyAccountRootNeedsCondition,
];

/** Properties of {@link PolicyChecks}. */
export interface PolicyChecksProps {
  /**
   * The rules to run.
   * @default - all rules (`ALL_POLICY_RULES`)
   */
  readonly rules?: readonly PolicyRule[];
}

/** Findings already reported per construct: synth may invoke aspects more than once. */
const reported = new WeakMap<IConstruct, Set<string>>();

/**
 * Runs the policy rules on every resource and data source it visits and reports each finding on
 * it through `Annotations`, as `[RuleName] <path>: <problem>; <what to do>`: an error-level rule's
 * finding fails synth, a warning is printed. A suppressed finding becomes an info naming the reason.
 *
 * Add it to each stack: cdktf 0.21 invokes only the aspects of a stack and its children, never
 * those added to the App.
 */
export class PolicyChecks implements IAspect {
  /** The rules this aspect runs. */
  public readonly rules: readonly PolicyRule[];

  constructor(props: PolicyChecksProps = {}) {
    this.rules = props.rules ?? ALL_POLICY_RULES;
  }

  visit(node: IConstruct): void {
    const subject = policySubject(node);
    if (!subject) return;
    for (const rule of this.rules) {
      for (const problem of rule.check(subject)) {
        report(node, rule, problem);
      }
    }
  }
}

function report(node: IConstruct, rule: PolicyRule, problem: string): void {
  const key = `${rule.name}\n${problem}`;
  const done = reported.get(node) ?? new Set<string>();
  reported.set(node, done);
  if (done.has(key)) return;
  done.add(key);

  const path = node.node.path;
  const suppression = findPolicySuppression(node, rule.name);
  const annotations = Annotations.of(node);
  if (suppression) {
    const where = suppression.path === path ? "" : ` on ${suppression.path}`;
    annotations.addInfo(`[${rule.name}] ${path}: suppressed${where}: ${suppression.reason}`);
  } else if (rule.level === "error") {
    annotations.addError(`[${rule.name}] ${path}: ${problem}`);
  } else {
    annotations.addWarning(`[${rule.name}] ${path}: ${problem}`);
  }
}
