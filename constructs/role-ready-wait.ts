import * as path from "path";
import { Construct } from "constructs";
import { DataResource, ITerraformDependable } from "cdktf";
import { WebIdentity } from "./assumed-role-provider";

/** The script that waits, shipped with the app (plain JavaScript: Terraform runs it with `node`). */
export const WAIT_UNTIL_ASSUMABLE_SCRIPT = path.join(__dirname, "wait-until-assumable.js");

/** Properties of a {@link RoleReadyWait}. */
export interface RoleReadyWaitProps {
  /** ARN of the role to wait for. */
  readonly roleArn: string;
  /**
   * Shared-credentials profile that assumes the role, as the stacks that use it will. Exactly
   * one of `profile` and `webIdentity`.
   * @default - none: `webIdentity`
   */
  readonly profile?: string;
  /**
   * Sign in with an OIDC token instead of a profile, as the stacks that use the role will.
   * @default - none: `profile`
   */
  readonly webIdentity?: WebIdentity;
  /**
   * Roles assumed, in order, before the role (hub and spoke), as the stacks that use it will.
   * @default - none
   */
  readonly hubRoleArns?: readonly string[];
  /** Region of the STS endpoint. */
  readonly region: string;
  /** How long to wait at most, in seconds, before the deploy fails. */
  readonly timeoutSeconds: number;
  /**
   * Values whose change makes Terraform wait again (e.g. the trust policy: a changed trust
   * propagates as slowly as a new role).
   * @default - only `roleArn`
   */
  readonly triggers?: Readonly<Record<string, string>>;
  /**
   * External id sent with the test call, as the assuming stack sends it.
   * @default - none
   */
  readonly externalId?: string;
  /**
   * Source identity set on the test session, as the assuming stack sets it.
   * @default - none
   */
  readonly sourceIdentity?: string;
  /**
   * Session tags passed with the test call, as the assuming stack passes them.
   * @default - none
   */
  readonly sessionTags?: Readonly<Record<string, string>>;
  /**
   * What must exist before the wait starts (e.g. the role's policy attachments).
   * @default - only the role, through `roleArn`
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The script that waits.
   * @default {@link WAIT_UNTIL_ASSUMABLE_SCRIPT}
   */
  readonly scriptPath?: string;
}

/**
 * Waits, in the stack that creates a role, until the role can really be assumed: IAM is
 * eventually consistent, and a role created seconds ago may still refuse `sts:AssumeRole`. A
 * `terraform_data` resource (built into Terraform, no provider) runs the wait as its local-exec
 * provisioner when it is created, and again whenever a trigger changes. If the role is not
 * assumable in time, the apply fails and Terraform marks the resource tainted, so the next
 * apply waits again: the role's stack does not end, and nothing that depends on it starts,
 * before the role works. The test call asks for a 15-minute session and never prints it.
 */
export class RoleReadyWait extends Construct {
  /** The resource: make what needs an assumable role depend on it. */
  public readonly resource: DataResource;

  constructor(scope: Construct, id: string, props: RoleReadyWaitProps) {
    super(scope, id);
    if (!Number.isInteger(props.timeoutSeconds) || props.timeoutSeconds < 1) {
      throw new Error(`timeoutSeconds is ${props.timeoutSeconds}; it must be a whole number of seconds, at least 1`);
    }
    if ((props.profile === undefined) === (props.webIdentity === undefined)) {
      throw new Error("give exactly one of profile and webIdentity: how the wait signs in");
    }
    const environment: Record<string, string> = {
      WAIT_ROLE_ARN: props.roleArn,
      WAIT_REGION: props.region,
      WAIT_TIMEOUT_SECONDS: String(props.timeoutSeconds),
    };
    if (props.profile !== undefined) environment.WAIT_PROFILE = props.profile;
    if (props.webIdentity !== undefined) {
      environment.WAIT_WEB_IDENTITY_ROLE_ARN = props.webIdentity.roleArn;
      environment.WAIT_WEB_IDENTITY_TOKEN_FILE = props.webIdentity.tokenFile;
    }
    if (props.hubRoleArns !== undefined && props.hubRoleArns.length > 0) {
      environment.WAIT_HUB_ROLE_ARNS = JSON.stringify(props.hubRoleArns);
    }
    if (props.externalId !== undefined) environment.WAIT_EXTERNAL_ID = props.externalId;
    if (props.sourceIdentity !== undefined) environment.WAIT_SOURCE_IDENTITY = props.sourceIdentity;
    if (props.sessionTags !== undefined && Object.keys(props.sessionTags).length > 0) {
      environment.WAIT_SESSION_TAGS = JSON.stringify(props.sessionTags);
    }
    this.resource = new DataResource(this, "Wait", {
      triggersReplace: { roleArn: props.roleArn, ...props.triggers },
      dependsOn: props.dependsOn,
      provisioners: [
        {
          type: "local-exec",
          command: `node ${JSON.stringify(props.scriptPath ?? WAIT_UNTIL_ASSUMABLE_SCRIPT)}`,
          environment,
        },
      ],
    });
  }
}
