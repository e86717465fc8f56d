import { Construct } from "constructs";
import { ITerraformDependable, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DeploymentSettings, StateSettings } from "../config";
import { signInArguments } from "../constructs/assumed-role-provider";
import { CrossAccountRole } from "../constructs/cross-account-role";
import { Ec2DeployerPolicy } from "../constructs/ec2-deployer-policy";
import { RoleReadyWait } from "../constructs/role-ready-wait";
import { configureStateBackend } from "../config/state-backend";
import { destinationSignIn, sourceSignIn } from "../config/sign-in";
import { MANAGED_BY, MANAGED_BY_KEY, MANAGED_BY_TAG } from "../constructs/shared/tags";

/** Properties of an {@link IamStack}. */
export interface IamStackProps {
  /** Accounts, profiles, role and tags. */
  readonly settings: DeploymentSettings;
  /** Where the stack's state lives. */
  readonly state: StateSettings;
}

/**
 * The role in the destination account that the source account may assume.
 * Needs credentials for both accounts: profiles `source` and `destination`.
 */
export class IamStack extends TerraformStack {
  /** The cross-account role; pass it to the stacks that assume it. */
  public readonly role: CrossAccountRole;
  /**
   * The provider of the source account: only when the role trusts the source account by its
   * caller identity (no `trustedPrincipalArns`, no hub roles); otherwise nothing reads it, and a
   * provider configured for nothing would still sign in at every plan.
   */
  public readonly sourceProvider?: AwsProvider;
  /** The provider of the destination account. */
  public readonly destinationProvider: AwsProvider;
  /** The wait until the source profile can assume the role (none with `roleReadyTimeoutSeconds` 0). */
  public readonly roleReady?: RoleReadyWait;

  constructor(scope: Construct, name: string, props: IamStackProps) {
    super(scope, name);
    const { settings } = props;
    configureStateBackend(this, name, props.state);

    const signIn = sourceSignIn(this, settings, props.state);
    if (settings.role.trustedPrincipalArns.length === 0) {
      this.sourceProvider = new AwsProvider(this, "SourceProvider", {
        alias: "source",
        ...signInArguments(signIn, `cdktf-${name}`),
        region: settings.region,
        stsRegion: settings.stsRegion,
        allowedAccountIds: settings.sourceAccountId ? [settings.sourceAccountId] : undefined,
      });
    }
    this.destinationProvider = new AwsProvider(this, "DestinationProvider", {
      alias: "destination",
      ...signInArguments(destinationSignIn(this, settings, props.state), `cdktf-${name}`),
      region: settings.region,
      stsRegion: settings.stsRegion,
      allowedAccountIds: settings.destinationAccountId ? [settings.destinationAccountId] : undefined,
    });

    const tags = { ...settings.tags, ...MANAGED_BY_TAG };
    const role = settings.role;
    const leastPrivilege =
      role.permissions === "least-privilege"
        ? new Ec2DeployerPolicy(this, "Ec2DeployerPolicy", {
            provider: this.destinationProvider,
            policyName: `${role.name}-ec2-deployer`,
            path: role.path,
            region: settings.region,
            managedBy: { key: MANAGED_BY_KEY, value: MANAGED_BY },
            instanceType: settings.instance.type,
            amiOwners: settings.instance.amiOwners,
            amiId: settings.instance.amiId,
            amiSsmParameter: settings.instance.amiSsmParameter,
            subnetId: settings.instance.subnetId,
            securityGroupIds: settings.instance.securityGroupIds,
            associatePublicIpAddress: settings.instance.associatePublicIpAddress,
            tags,
          })
        : undefined;

    this.role = new CrossAccountRole(this, "CrossAccountRole", {
      provider: this.destinationProvider,
      sourceProvider: this.sourceProvider,
      roleName: role.name,
      path: role.path,
      trustedPrincipalArns: role.trustedPrincipalArns,
      externalIds: role.externalIds,
      requireMfa: role.requireMfa,
      mfaMaxAgeSeconds: role.mfaMaxAgeSeconds,
      principalOrgId: role.principalOrgId,
      requireSourceIdentity: role.requireSourceIdentity,
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
      permissionsBoundaryArn: role.permissionsBoundaryArn,
      awsManagedPolicyNames: role.permissions === "ec2-full-access" ? ["AmazonEC2FullAccess"] : [],
      policyArns: {
        ...(leastPrivilege ? { Ec2Deployer: leastPrivilege.policyArn } : {}),
        ...Object.fromEntries(role.managedPolicyArns.map((arn) => [arn, arn])),
      },
      tags,
    });

    if (settings.roleReadyTimeoutSeconds > 0) {
      const permissionsResources: ITerraformDependable[] = [
        ...(leastPrivilege ? [leastPrivilege.resource] : []),
        ...(this.role.policyAttachments ? [this.role.policyAttachments] : []),
      ];
      // The session ec2-stack will open: same profile, external id, source identity and tags.
      this.roleReady = new RoleReadyWait(this, "RoleReady", {
        roleArn: this.role.roleArn,
        profile: signIn.profile,
        webIdentity: signIn.webIdentity,
        hubRoleArns: settings.hubRoleArns,
        region: settings.stsRegion ?? settings.region,
        timeoutSeconds: settings.roleReadyTimeoutSeconds,
        triggers: {
          trustPolicy: this.role.trustPolicy.json,
          // A new version of a policy propagates as slowly as a new trust, and the AWS provider does
          // not retry UnauthorizedOperation: wait again when the permissions change. The policy as
          // applied (not its document), so that the wait runs after the new version is the default.
          permissions: JSON.stringify({
            attached: this.role.attachedPolicyArns,
            leastPrivilege: leastPrivilege?.resource.policy ?? "",
            boundary: this.role.permissionsBoundaryArn ?? "",
          }),
        },
        externalId: role.externalId,
        sourceIdentity: role.sourceIdentity,
        sessionTags: role.sessionTags,
        // After the permissions too: the stack's apply, and so the next stack, then starts with both.
        dependsOn: permissionsResources.length > 0 ? permissionsResources : undefined,
      });
    }

    // Output names are what users and scripts read: snake_case as in the tutorial.
    new TerraformOutput(this, "role_arn", {
      value: this.role.roleArn,
      description: "ARN of the role that principals of the source account may assume",
    });
  }
}
