/**
 * Helpers of the policy rule tests: a stack checked by chosen rules, and the annotations that
 * the checks leave on the construct tree.
 */
import { IConstruct } from "constructs";
import { AnnotationMetadataEntryType, Aspects, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PolicyChecks } from "../../constructs/policy/policy-checks";
import { PolicyRule } from "../../constructs/policy/rule";
import { testApp } from "../helpers";

/** An annotation on a construct. */
export interface Finding {
  readonly level: "info" | "warning" | "error";
  /** Path of the construct it is on. */
  readonly path: string;
  readonly message: string;
}

const LEVELS: Readonly<Record<string, Finding["level"]>> = {
  [AnnotationMetadataEntryType.INFO]: "info",
  [AnnotationMetadataEntryType.WARN]: "warning",
  [AnnotationMetadataEntryType.ERROR]: "error",
};

/** The annotations on a construct and everything under it. */
export function annotationsOf(scope: IConstruct): Finding[] {
  return scope.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => LEVELS[m.type] !== undefined)
        .map((m) => ({ level: LEVELS[m.type], path: c.node.path, message: String(m.data) })),
    );
}

/** A fresh app with one stack named `stack`, an AWS provider, and the checks of the given rules. */
export function checkedStack(...rules: PolicyRule[]): TerraformStack {
  const stack = new TerraformStack(testApp(), "stack");
  new AwsProvider(stack, "Aws", { region: "us-east-1" });
  Aspects.of(stack).add(new PolicyChecks({ rules }));
  return stack;
}

/**
 * Runs the stack's aspects and returns its annotations. `Testing.synth` invokes aspects but,
 * unlike `app.synth()` and `cdktf synth`, does not fail on error annotations, even with
 * `runValidations`: hence the tests read them.
 */
export function findings(stack: TerraformStack): Finding[] {
  Testing.synth(stack);
  return annotationsOf(stack);
}
