/**
 * A sandbox whose emulator enforces IAM, set up as a careful team would on AWS: the source user
 * may only assume the cross-account role, and the destination deployer may only manage IAM.
 * docs/emulator-iam.md says what the emulator evaluates.
 */
import { DeleteSubnetCommand, ModifyInstanceMetadataOptionsCommand } from "@aws-sdk/client-ec2";
import { DEFAULTS, Permissions } from "../../config";
import { destroyClients } from "./aws-clients";
import { defaultSubnets, zonesOffering } from "./checks";
import { DEFAULT_DESTINATION_ACCOUNT, LocalCloud } from "./local-cloud";

/** ARN of the role iam-stack creates in the sandbox's destination account. */
export const SANDBOX_ROLE_ARN = `arn:aws:iam::${DEFAULT_DESTINATION_ACCOUNT}:role/${DEFAULTS.roleName}`;

/**
 * The source user's only permission: assuming the role. The source provider of iam-stack also
 * calls sts:GetCallerIdentity, which needs no permission (on AWS nor in the emulator).
 */
export const SOURCE_USER_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Sid: "AssumeTheCrossAccountRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: SANDBOX_ROLE_ARN },
  ],
});

/**
 * iam-stack makes only IAM calls in the destination account (and sts:GetCallerIdentity):
 * IAMFullAccess is the narrowest AWS managed policy that covers them, and unlike
 * AdministratorAccess it would expose any other call.
 */
export const IAM_FULL_ACCESS = "arn:aws:iam::aws:policy/IAMFullAccess";

/** A sandbox with IAM enforced, a source user that may only assume the role, and `permissions`. */
export function startEnforcedCloud(
  permissions: Permissions,
  settings: Readonly<Record<string, string>> = {},
): Promise<LocalCloud> {
  return LocalCloud.start({
    enforceIam: true,
    settings: { ...settings, PERMISSIONS: permissions },
    deployerPolicies: {
      source: { inlinePolicies: { AssumeCrossAccountRole: SOURCE_USER_POLICY } },
      destination: { managedPolicyArns: [IAM_FULL_ACCESS] },
    },
  });
}

/**
 * Changes an instance's metadata options out of band, as the destination account's administrator:
 * no setting changes them, so this is how a run makes the provider call
 * ModifyInstanceMetadataOptions (it sets them back on the next deploy).
 */
export async function driftMetadataOptions(cloud: LocalCloud, instanceId: string, hopLimit: number): Promise<void> {
  const clients = cloud.adminClients(cloud.destinations[0].profile);
  try {
    await clients.ec2.send(
      new ModifyInstanceMetadataOptionsCommand({ InstanceId: instanceId, HttpPutResponseHopLimit: hopLimit }),
    );
  } finally {
    destroyClients(clients);
  }
}

/**
 * Deletes the destination account's default subnets in the zones that do not offer
 * `instanceType`, as the destination account's administrator. The instance keeps the default
 * subnet it was launched in, and a later change to a type its zone does not offer is refused (as
 * on AWS: us-east-1e offers t2.micro, not t3.micro); a run that changes the type must therefore
 * launch where the new type is offered, or it fails about one time in six.
 */
export async function keepDefaultSubnetsOffering(cloud: LocalCloud, instanceType: string): Promise<string[]> {
  const clients = cloud.adminClients(cloud.destinations[0].profile);
  try {
    const zones = new Set(await zonesOffering(clients, instanceType));
    const subnets = await defaultSubnets(clients);
    const elsewhere = subnets.filter((subnet) => !zones.has(subnet.AvailabilityZone!));
    for (const { SubnetId } of elsewhere) await clients.ec2.send(new DeleteSubnetCommand({ SubnetId }));
    return elsewhere.map((subnet) => subnet.AvailabilityZone!);
  } finally {
    destroyClients(clients);
  }
}
