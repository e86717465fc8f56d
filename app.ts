import { App, Aspects } from "cdktf";
import { AppConfig, DeploymentSettings } from "./config";
import { PolicyChecks } from "./constructs/policy/policy-checks";
import { Ec2Stack } from "./stacks/ec2-stack";
import { IamStack } from "./stacks/iam-stack";

/** One iam-stack/ec2-stack pair. */
export interface StackPair {
  readonly iam: IamStack;
  readonly ec2: Ec2Stack;
}

/**
 * Defines the stacks of a validated configuration: `iam-stack` and `ec2-stack`, or one
 * `iam-stack-<name>` and `ec2-stack-<name>` pair per target.
 */
export function defineStacks(app: App, config: AppConfig): StackPair[] {
  const pair = (suffix: string, settings: DeploymentSettings): StackPair => {
    const iam = new IamStack(app, `iam-stack${suffix}`, { settings, state: config.state });
    const ec2 = new Ec2Stack(app, `ec2-stack${suffix}`, { settings, state: config.state, role: iam.role });
    // On each stack: cdktf 0.21 never invokes aspects added to the App itself.
    for (const stack of [iam, ec2]) Aspects.of(stack).add(new PolicyChecks());
    return { iam, ec2 };
  };
  if (config.targets.length === 0) return [pair("", config)];
  return config.targets.map((target) => pair(`-${target.name}`, target));
}
