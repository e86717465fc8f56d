import { IAM_PATH, IAM_POLICY_ARN, IAM_ROLE_NAME } from "../../constructs/shared/aws-names";
import { list, oneOf, text } from "../kinds";
import { group } from "./group";

/** The sentence of a policy ARN, for a list ("each ...") or one ("it ..."). */
export const POLICY_ARN_ALLOWED = 'must be an IAM policy ARN such as "arn:aws:iam::aws:policy/ReadOnlyAccess"';

/** The role in the destination account, and what it may do. */
export const ROLE_SETTINGS = group(
  "The role",
  "The role that iam-stack creates in the destination account and ec2-stack assumes. " +
    "`permissions` chooses between the tutorial's `AmazonEC2FullAccess` and a " +
    "[least-privilege policy](least-privilege.md) that allows this app's instance and nothing else.",
  {
    roleName: text("ROLE_NAME", IAM_ROLE_NAME, "must be 1 to 64 letters, digits or _+=,.@- (IAM role name rules)")
      .default("cdktf-assume-role-ec2")
      .perTarget()
      .common()
      .about("IAM role name."),
    rolePath: text(
      "ROLE_PATH",
      IAM_PATH,
      'must be "/" or start and end with "/" with 1 to 510 printable ASCII characters between (IAM path rules)',
    )
      .default("/")
      .perTarget()
      .about("IAM path of the role."),
    permissions: oneOf("PERMISSIONS", ["ec2-full-access", "least-privilege"])
      .default("ec2-full-access")
      .perTarget()
      .common()
      .about(
        "What the role may do: `AmazonEC2FullAccess`, or the instance of this app only " +
          "([what it allows](least-privilege.md)).",
      ),
    managedPolicyArns: list("MANAGED_POLICY_ARNS", IAM_POLICY_ARN, `each ${POLICY_ARN_ALLOWED}`)
      .default([])
      .perTarget()
      .about("Further managed policies attached to the role."),
  },
);
