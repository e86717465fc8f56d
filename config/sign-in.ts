import { TerraformStack, TerraformVariable } from "cdktf";
import { DeploymentSettings, StateSettings } from "./types";
import { SignIn } from "../constructs/assumed-role-provider";

/** The name HCP Terraform gives the variable that holds its dynamic credentials' config files. */
export const DYNAMIC_CREDENTIALS_VARIABLE = "tfc_aws_dynamic_credentials";

/**
 * The variable through which HCP Terraform passes its dynamic AWS credentials: the shared config
 * file of the default configuration and of each alias (`TFC_AWS_PROVIDER_AUTH_<alias>`). One
 * per stack, created on first use.
 */
function dynamicCredentials(stack: TerraformStack): TerraformVariable {
  const existing = stack.node.tryFindChild(DYNAMIC_CREDENTIALS_VARIABLE);
  if (existing instanceof TerraformVariable) return existing;
  const config = "object({ shared_config_file = string })";
  return new TerraformVariable(stack, DYNAMIC_CREDENTIALS_VARIABLE, {
    type: `object({ default = ${config}, aliases = map(${config}) })`,
    description: "Set by HCP Terraform when dynamic provider credentials are enabled on the workspace",
  });
}

/**
 * How a provider of the source account signs in: its profile; with `sourceAuth` "web-identity",
 * the OIDC token exchanged for a session of `sourceRoleArn`; with `cloudDynamicCredentials`,
 * HCP Terraform's default configuration. No profile is read in the last two.
 */
export function sourceSignIn(stack: TerraformStack, settings: DeploymentSettings, state: StateSettings): SignIn {
  if (state.cloudDynamicCredentials) {
    dynamicCredentials(stack);
    return { sharedConfigFile: `\${var.${DYNAMIC_CREDENTIALS_VARIABLE}.default.shared_config_file}` };
  }
  if (settings.sourceAuth === "web-identity") {
    return { webIdentity: { roleArn: settings.sourceRoleArn!, tokenFile: settings.webIdentityTokenFile! } };
  }
  return { profile: settings.sourceProfile };
}

/**
 * How iam-stack's destination provider signs in: the destination profile, or with
 * `cloudDynamicCredentials` HCP Terraform's configuration of the alias `destination`.
 */
export function destinationSignIn(stack: TerraformStack, settings: DeploymentSettings, state: StateSettings): SignIn {
  if (state.cloudDynamicCredentials) {
    dynamicCredentials(stack);
    return { sharedConfigFile: `\${var.${DYNAMIC_CREDENTIALS_VARIABLE}.aliases["destination"].shared_config_file}` };
  }
  return { profile: settings.destinationProfile };
}
