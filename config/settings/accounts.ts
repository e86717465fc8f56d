import { ACCOUNT_ID, IAM_ROLE_ARN } from "../../constructs/shared/aws-names";
import { list, oneOf, text } from "../kinds";
import { group } from "./group";
import { profileName, regionName } from "./shared-kinds";

const ROLE_ARN_ALLOWED = 'must be an IAM role ARN such as "arn:aws:iam::111111111111:role/deployer"';
/** AWS provider and STS: a chain of assumed roles; more is almost always a mistake. */
const MAX_HUB_ROLES = 5;

/** Where the resources go, and how each account is signed in to. */
export const ACCOUNT_SETTINGS = group(
  "Region, accounts and sign-in",
  "Which region the resources go to, and how the app signs in to each account: a profile of " +
    "your shared credentials for each, or, [from a pipeline](pipelines.md), an " +
    "OIDC token for the source account. The account ids are optional guards: set them and a " +
    "provider refuses to act in any other account.",
  {
    region: regionName("AWS_REGION")
      .default("us-east-1")
      .perTarget()
      .common()
      .about(
        "AWS region of both accounts' resources. ec2-stack keeps the region of its launch: a deploy in another fails its plan.",
      ),
    sourceProfile: profileName("SOURCE_PROFILE")
      .default("source")
      .common()
      .about("Shared-credentials profile of the source account: it assumes the role."),
    destinationProfile: profileName("DESTINATION_PROFILE")
      .default("destination")
      .perTarget()
      .common()
      .about("Shared-credentials profile of the destination account: it creates the role."),
    stsRegion: regionName("STS_REGION")
      .defaultIs("`region`")
      .perTarget()
      .about(
        "Region of the STS endpoint every provider and the [readiness wait](iam-propagation.md) sign in at " +
          "(the providers' `sts_region`). STS in a region an account has not enabled refuses its credentials: " +
          "with an opt-in `region` the source account has not enabled, set a region it has, such as `us-east-1`.",
      ),
    sourceAuth: oneOf("SOURCE_AUTH", ["profile", "web-identity"])
      .default("profile")
      .about(
        "How the source providers sign in: `sourceProfile`, or an OIDC token exchanged for a session of " +
          "`sourceRoleArn` ([from a pipeline](pipelines.md)).",
      ),
    sourceRoleArn: text("SOURCE_ROLE_ARN", IAM_ROLE_ARN, ROLE_ARN_ALLOWED)
      .defaultIs('none; required with sourceAuth "web-identity"')
      .about("With `web-identity`: the source account's role that trusts the OIDC provider."),
    webIdentityTokenFile: text("WEB_IDENTITY_TOKEN_FILE", /^[^\0\n]{1,4096}$/, "must be a file path")
      .defaultIs('none; required with sourceAuth "web-identity"')
      .about("With `web-identity`: path of the OIDC token file, read at each run, never stored."),
    hubRoleArns: list(
      "HUB_ROLE_ARNS",
      IAM_ROLE_ARN,
      'each must be an IAM role ARN such as "arn:aws:iam::333333333333:role/hub"',
      { atMost: MAX_HUB_ROLES },
    )
      .default([])
      .perTarget()
      .about(
        "Roles ec2-stack assumes in this order before the role ([hub and spoke](pipelines.md#hub-and-spoke)); " +
          "the role then trusts the last one.",
      ),
    sourceAccountId: text("SOURCE_ACCOUNT_ID", ACCOUNT_ID, "must be an AWS account id of exactly 12 digits").about(
      "The source provider refuses any other account (`allowed_account_ids`).",
    ),
    destinationAccountId: text("DESTINATION_ACCOUNT_ID", ACCOUNT_ID, "must be an AWS account id of exactly 12 digits")
      .perTarget()
      .about("The destination and assumed-role providers refuse any other account."),
  },
);
