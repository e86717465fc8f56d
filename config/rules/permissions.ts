/** The role's permissions and the further policies attached to it. */
import { Reader } from "../reader";
import { show } from "../show";
import { RoleSettings } from "../types";

/** Reads `permissions` and `managedPolicyArns`, which may not attach a policy twice. */
export function readPermissions(r: Reader): Pick<RoleSettings, "permissions" | "managedPolicyArns"> {
  const permissions = r.get("permissions");
  const managedPolicyArns = r.get("managedPolicyArns");
  const twice = managedPolicyArns.filter(
    (arn) => permissions === "ec2-full-access" && arn.endsWith(":policy/AmazonEC2FullAccess"),
  );
  if (twice.length > 0) {
    // Two attachments of one policy: destroying either would detach it for both.
    r.fail("managedPolicyArns", `${show(twice[0])} is attached already by permissions "ec2-full-access"; remove it`);
  }
  return { permissions, managedPolicyArns };
}
