import {
  IAM_PRINCIPAL_ARN,
  ORGANIZATION_ID,
  STS_EXTERNAL_ID,
  STS_SESSION_NAME,
} from "../../constructs/shared/aws-names";
import { flag, int, list, tags, text } from "../kinds";
import { SESSION_TAG_RULES } from "../tag-rules";
import { group } from "./group";

const EXTERNAL_ID_ALLOWED = "2 to 1224 characters of letters, digits and _+=,.@:/-";

/** Who may assume the role, on which conditions, and the session ec2-stack asks for. */
export const TRUST_SETTINGS = group(
  "Who may assume the role, and the session",
  "The role's trust policy and the session ec2-stack asks for. Each condition the trust policy " +
    "requires, ec2-stack's provider meets: it sends the external id, the source identity and the " +
    "session tags set here. See [MFA](mfa.md) for `requireMfa`.",
  {
    trustedPrincipalArns: list(
      "TRUSTED_PRINCIPAL_ARNS",
      IAM_PRINCIPAL_ARN,
      'each must be an IAM principal ARN: "arn:aws:iam::<12 digits>:root", ":user/<name>" or ":role/<name>"',
    )
      .defaultIs("the whole source account (`:root`); with hubRoleArns, the last hub role")
      .perTarget()
      .common()
      .about("Principals that may assume the role."),
    externalId: text("EXTERNAL_ID", STS_EXTERNAL_ID, `must be ${EXTERNAL_ID_ALLOWED}`)
      .perTarget()
      .common()
      .about("ec2-stack sends it; the trust policy requires it (`sts:ExternalId`)."),
    externalIds: list("EXTERNAL_IDS", STS_EXTERNAL_ID, `each must be ${EXTERNAL_ID_ALLOWED}`, { atLeastOne: {} })
      .defaultIs("`externalId` alone")
      .perTarget()
      .about("External ids the trust policy accepts, any one of them; `externalId` must be one (set it when several)."),
    requireMfa: flag("REQUIRE_MFA")
      .default(false)
      .perTarget()
      .about("The trust policy requires MFA (`aws:MultiFactorAuthPresent`)."),
    mfaMaxAgeSeconds: int("MFA_MAX_AGE_SECONDS", 1, 129600)
      .perTarget()
      .about("Only with `requireMfa`: the MFA's maximum age (`aws:MultiFactorAuthAge`)."),
    principalOrgId: text(
      "PRINCIPAL_ORG_ID",
      ORGANIZATION_ID,
      'must be an AWS Organizations id such as "o-a1b2c3d4e5" ("o-" and 10 to 32 lowercase letters or digits)',
    )
      .perTarget()
      .about("The caller's organization must be this one (`aws:PrincipalOrgID`)."),
    requireSourceIdentity: flag("REQUIRE_SOURCE_IDENTITY")
      .default(false)
      .perTarget()
      .about("The trust policy refuses sessions without `sts:SourceIdentity`; needs `sourceIdentity`."),
    sourceIdentity: text(
      "SOURCE_IDENTITY",
      STS_SESSION_NAME,
      "must be 2 to 64 letters, digits or _+=,.@- (STS source identity rules)",
    )
      .perTarget()
      .about("ec2-stack sets it on its session; CloudTrail records it."),
    sessionTags: tags("SESSION_TAGS", SESSION_TAG_RULES)
      .default({})
      .perTarget()
      .about("Session tags ec2-stack passes."),
    maxSessionDurationSeconds: int("MAX_SESSION_DURATION_SECONDS", 3600, 43200)
      .defaultIs("3600 (IAM's)")
      .perTarget()
      .about("The role's maximum session duration."),
    sessionDurationSeconds: int("SESSION_DURATION_SECONDS", 900, 43200)
      .defaultIs("900 (the provider's)")
      .perTarget()
      .about(
        "ec2-stack's session: at most the role's maximum, and at most 3600 when the role is assumed " +
          "from a role session (role chaining).",
      ),
  },
);
