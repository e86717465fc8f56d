import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DeploymentSettings, StateSettings } from "../config";
import { AssumedRoleProvider } from "../constructs/assumed-role-provider";
import { CrossAccountRole } from "../constructs/cross-account-role";
import { HardenedInstance } from "../constructs/hardened-instance";
import { suppressPolicyRule } from "../constructs/policy/rule";
import { configureStateBackend } from "../config/state-backend";
import { sourceSignIn } from "../config/sign-in";
import { MANAGED_BY_TAG } from "../constructs/shared/tags";

/** Properties of an {@link Ec2Stack}. */
export interface Ec2StackProps {
  /** Region, source profile, role session and instance settings. */
  readonly settings: DeploymentSettings;
  /** Where the stack's state lives. */
  readonly state: StateSettings;
  /**
   * The role to assume, from the stack that owns it. Its ARN becomes a cross-stack
   * reference: an output of that stack, read here through its remote state.
   */
  readonly role: CrossAccountRole;
}

/**
 * An EC2 instance in the destination account, created through the cross-account role.
 * Needs credentials of the source account only.
 */
export class Ec2Stack extends TerraformStack {
  /** The instance. */
  public readonly instance: HardenedInstance;
  /** The provider that acts through the assumed role. */
  public readonly assumedRole: AssumedRoleProvider;

  constructor(scope: Construct, name: string, props: Ec2StackProps) {
    super(scope, name);
    const { settings } = props;
    configureStateBackend(this, name, props.state);

    this.assumedRole = new AssumedRoleProvider(this, "AssumedRoleProvider", {
      region: settings.region,
      stsRegion: settings.stsRegion,
      ...sourceSignIn(this, settings, props.state),
      hubRoleArns: settings.hubRoleArns,
      roleArn: props.role.roleArn,
      sessionName: `cdktf-${name}`,
      externalId: settings.role.externalId,
      durationSeconds: settings.role.sessionDurationSeconds,
      sourceIdentity: settings.role.sourceIdentity,
      sessionTags: settings.role.sessionTags,
      allowedAccountIds: settings.destinationAccountId ? [settings.destinationAccountId] : undefined,
    });
    const provider = this.assumedRole.provider;

    const identity = new DataAwsCallerIdentity(this, "AssumedIdentity", { provider });
    this.instance = new HardenedInstance(this, "Instance", {
      provider,
      instanceType: settings.instance.type,
      amiOwners: settings.instance.amiOwners,
      amiNameFilter: settings.instance.amiNameFilter,
      amiId: settings.instance.amiId,
      amiSsmParameter: settings.instance.amiSsmParameter,
      replaceOnNewAmi: settings.instance.replaceOnNewAmi,
      subnetId: settings.instance.subnetId,
      securityGroupIds: settings.instance.securityGroupIds,
      placementContext: { region: settings.region, accountId: identity.accountId },
      // The state's location does not name the region: the region is kept in the state instead.
      pinRegion: settings.region,
      name: settings.instance.name,
      associatePublicIpAddress: settings.instance.associatePublicIpAddress,
      rootVolumeSizeGib: settings.instance.rootVolumeSizeGib,
      tags: { ...settings.tags, ...MANAGED_BY_TAG },
    });
    if (settings.instance.associatePublicIpAddress) {
      suppressPolicyRule(this.instance.resource, "InstanceNoPublicIp", "setting associatePublicIpAddress=true");
    }

    new TerraformOutput(this, "instance_id", {
      value: this.instance.resource.id,
      description: "Id of the EC2 instance",
    });
    new TerraformOutput(this, "account_id", {
      value: identity.accountId,
      description: "Account the assumed role acts in: where the instance runs",
    });
  }
}
