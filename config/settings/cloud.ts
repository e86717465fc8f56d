import { flag, oneOf, text } from "../kinds";
import { group } from "./group";

/** HCP Terraform as the run engine: where the workspaces are, and how its runs sign in. */
export const CLOUD_SETTINGS = group(
  "HCP Terraform",
  'With `backend` `"cloud"`, each stack is an HCP Terraform (or Terraform Enterprise) workspace ' +
    "`<prefix><stack>`, which keeps the state and can run Terraform " +
    "([HCP Terraform](pipelines.md#hcp-terraform-as-the-run-engine)).",
  {
    cloudOrganization: text(
      "CLOUD_ORGANIZATION",
      // HCP Terraform: organization names are letters, digits, _ and -.
      /^[A-Za-z0-9_-]{1,90}$/,
      "must be an HCP Terraform organization name: 1 to 90 letters, digits, _ or -",
    )
      .defaultIs('none; required with backend "cloud"')
      .about("HCP Terraform organization of the workspaces."),
    cloudHostname: text(
      "CLOUD_HOSTNAME",
      /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'must be a host name such as "app.terraform.io"',
    )
      .default("app.terraform.io")
      .about("HCP Terraform or Terraform Enterprise host."),
    cloudWorkspacePrefix: text(
      "CLOUD_WORKSPACE_PREFIX",
      // Workspace names allow what organization names do, nothing else.
      /^[A-Za-z0-9_-]{0,64}$/,
      "must be 0 to 64 letters, digits, _ or - (workspace names are the prefix and the stack name)",
    )
      .default("cdktf-assume-role-")
      .about("Workspaces are `<prefix><stack>`, e.g. `cdktf-assume-role-iam-stack`."),
    cloudDynamicCredentials: flag("CLOUD_DYNAMIC_CREDENTIALS")
      .default(false)
      .about("With `cloud`: the providers sign in with HCP Terraform's dynamic provider credentials, no profile."),
    cloudExecutionMode: oneOf("CLOUD_EXECUTION_MODE", ["remote", "local", "agent"])
      .default("remote")
      .about(
        "With `cloud`: the workspaces' execution mode, as set in HCP Terraform (new workspaces: `remote`). " +
          "`remote` and `agent` runs sign in with `cloudDynamicCredentials` only (their workers have no " +
          "profile of yours); `local` runs, on your machine, sign in with profiles.",
      ),
  },
);
