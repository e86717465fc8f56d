import { errorDiagnostics, isThrottlingError } from "../../scripts/lib/terraform-diagnostics";

/** A cdktf deploy whose readiness wait met throttling on its way, then failed on something else. */
const WAIT_THROTTLED_THEN_OTHER_FAILURE = [
  "1 Stack deploying     0 Stacks done     0 Stacks waiting",
  "iam-stack  terraform_data.RoleReady (RoleReady): Provisioning with 'local-exec'...",
  "iam-stack  terraform_data.RoleReady (RoleReady) (local-exec): Role arn:aws:iam::222222222222:role/r cannot be",
  "           assumed yet (Throttling: Rate exceeded); trying again in 1 s.",
  "iam-stack  terraform_data.RoleReady (RoleReady): Creation complete after 4s [id=7c1e]",
  "1 Stack deploying     0 Stacks done     0 Stacks waiting",
  "iam-stack  Error: creating IAM Role Policy Attachment (r): operation error IAM: AttachRolePolicy,",
  "           https response error StatusCode: 404, RequestID: 5d1c, NoSuchEntity: Policy",
  "           arn:aws:iam::aws:policy/Missing does not exist or is not attachable.",
  "",
  "             with aws_iam_role_policy_attachment.Role_Attachment (Role/Attachment),",
  '             on cdk.tf.json line 120, in resource "aws_iam_role_policy_attachment" "Role_Attachment":',
  "",
  "0 Stacks deploying     1 Stack done     0 Stacks waiting",
  "Invoking Terraform CLI failed with exit code 1",
].join("\n");

/** ec2-stack's provider could not assume the role: its own sts:AssumeRole was throttled 3 times. */
const PROVIDER_ASSUME_ROLE_THROTTLED = [
  "ec2-stack  Error: Cannot assume IAM Role",
  "",
  "           IAM Role (arn:aws:iam::222222222222:role/cdktf-assume-role-ec2) cannot be",
  "           assumed.",
  "           There are a number of possible causes of this - the most common are:",
  "             * The credentials used in order to assume the role are invalid",
  "           Error: operation error STS: AssumeRole, exceeded maximum number of attempts, 3,",
  "           https response error StatusCode: 400, RequestID: 9b2e, api error",
  "           Throttling: Rate exceeded",
  "",
  '             with provider["registry.terraform.io/hashicorp/aws"],',
  "0 Stacks deploying     1 Stack done     0 Stacks waiting",
  "Invoking Terraform CLI failed with exit code 1",
].join("\n");

/** The readiness wait gave up: its last try was throttled, but throttling is not why it failed. */
const WAIT_GAVE_UP = [
  "iam-stack  Error: local-exec provisioner error",
  "",
  "             with terraform_data.RoleReady (RoleReady),",
  "           Error running command 'node wait-until-assumable.js': exit status 1. Output: Role",
  "           arn:aws:iam::222222222222:role/r still cannot be assumed with",
  "           arn:aws:iam::111111111111:user/deployer after 120 s (9 failed tries; last:",
  "           Throttling: Rate exceeded).",
].join("\n");

describe("errorDiagnostics: the error diagnostics of a cdktf command's output", () => {
  it("reads each `<stack>  Error:` with the detail indented under it, the provider's nested error included", () => {
    expect(errorDiagnostics(PROVIDER_ASSUME_ROLE_THROTTLED)).toEqual([
      "Error: Cannot assume IAM Role IAM Role (arn:aws:iam::222222222222:role/cdktf-assume-role-ec2) cannot be " +
        "assumed. There are a number of possible causes of this - the most common are: * The credentials used in " +
        "order to assume the role are invalid Error: operation error STS: AssumeRole, exceeded maximum number of " +
        "attempts, 3, https response error StatusCode: 400, RequestID: 9b2e, api error Throttling: Rate exceeded " +
        'with provider["registry.terraform.io/hashicorp/aws"],',
    ]);
  });

  it("reads no progress line and no cdktf summary as a diagnostic", () => {
    const found = errorDiagnostics(WAIT_THROTTLED_THEN_OTHER_FAILURE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^Error: creating IAM Role Policy Attachment \(r\): .* NoSuchEntity: Policy/);
    expect(found[0]).not.toMatch(/cannot be assumed yet|Invoking Terraform/);
  });

  it("reads every diagnostic of several stacks, and none of a successful run", () => {
    const both = `${WAIT_GAVE_UP}\n1 Stack deploying\n${PROVIDER_ASSUME_ROLE_THROTTLED}`;
    expect(errorDiagnostics(both).map((d) => d.split(" ").slice(0, 4).join(" "))).toEqual([
      "Error: local-exec provisioner error",
      "Error: Cannot assume IAM",
    ]);
    expect(errorDiagnostics("ec2-stack  Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n")).toEqual([]);
  });
});

describe("isThrottlingError: a throttling error that outlasted the AWS SDK's retries", () => {
  it.each([
    ["IAM and STS", "Error: ... exceeded maximum number of attempts, 3, ... api error Throttling: Rate exceeded"],
    [
      "EC2",
      "Error: ... https response error StatusCode: 503, ... api error RequestLimitExceeded: Request limit exceeded.",
    ],
  ])("is one from %s", (_service, diagnostic) => {
    expect(isThrottlingError(diagnostic)).toBe(true);
  });

  it("is not the readiness wait giving up, though its last try was throttled", () => {
    const [diagnostic] = errorDiagnostics(WAIT_GAVE_UP);
    expect(diagnostic).toMatch(/Throttling: Rate exceeded/);
    expect(isThrottlingError(diagnostic)).toBe(false);
  });

  it("is not another AWS error", () => {
    const [diagnostic] = errorDiagnostics(WAIT_THROTTLED_THEN_OTHER_FAILURE);
    expect(isThrottlingError(diagnostic)).toBe(false);
  });
});
