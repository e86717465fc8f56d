import { IAM_POLICY_ARN } from "../../constructs/shared/aws-names";
import { int, text } from "../kinds";
import { group } from "./group";
import { POLICY_ARN_ALLOWED } from "./role";

/** What caps the role whatever its policies say, and how long iam-stack waits until it can be assumed. */
export const ROLE_LIMIT_SETTINGS = group(
  "The role's boundary, and waiting for it",
  "A permissions boundary caps what the role may do, whatever its policies allow. IAM is " +
    "eventually consistent, so iam-stack ends by waiting until the source profile can assume the " +
    "new role; ec2-stack can then be deployed right after it.",
  {
    permissionsBoundaryArn: text("PERMISSIONS_BOUNDARY_ARN", IAM_POLICY_ARN, `it ${POLICY_ARN_ALLOWED}`)
      .perTarget()
      .about("Permissions boundary of the role."),
    roleReadyTimeoutSeconds: int("ROLE_READY_TIMEOUT_SECONDS", 0, 3600)
      // Real IAM usually propagates a new role in seconds; two minutes covers its slow days.
      .default(120, '(0 with backend "cloud")')
      .perTarget()
      .about(
        "How long iam-stack waits until the source profile can assume the role " +
          "([IAM propagation](iam-propagation.md)); 0: no wait.",
      ),
  },
);
