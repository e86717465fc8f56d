/**
 * The synthesized trust policy under an IAM policy engine (conditions, cross-account rules):
 * who may assume the role, tag the session and set its source identity, for every trust setting
 * and their combinations. The emulator of the end-to-end tests does not read trust policies of
 * cross-account roles at all (docs/emulator-iam.md); this is where they are proven.
 */
import { Context, DESTINATION_ACCOUNT, SOURCE_ACCOUNT } from "../helpers";
import { ProviderCall } from "../../scripts/lib/provider-calls";
import { modelOf, OTHER_ACCOUNT, Scenario, scenario, sourceCaller } from "./scenario";
import { Caller, evaluateAll, Verdict } from "./simulate";

const ALICE = `arn:aws:iam::${SOURCE_ACCOUNT}:user/alice`;
const DEPLOYER_ROLE = `arn:aws:iam::${SOURCE_ACCOUNT}:role/Deployer`;
const DEPLOYER_SESSION = `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/Deployer/ci-run-42`;
const ORG = "o-a1b2c3d4e5";

/** The source principal's own request context: how it signed in, its organization. */
type SourceContext = Readonly<Record<string, string>>;
const MFA_NOW: SourceContext = { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "300" };
const IN_ORG: SourceContext = { "aws:PrincipalOrgID": ORG };

/** How a request differs from the one ec2-stack's provider makes. */
interface Attempt {
  /** Who asks. @default alice, a user of the source account with the source policy */
  readonly caller?: Caller;
  /** Their sign-in and organization. @default none */
  readonly context?: SourceContext;
  /** Parameters of the AssumeRole request to set (a value) or drop (undefined). */
  readonly parameters?: Readonly<Record<string, string | undefined>>;
}

/** The engine's verdict on ec2-stack's AssumeRole request (with its tags and source identity), as changed. */
async function attempt(s: Scenario, a: Attempt = {}): Promise<Verdict> {
  const parameters: Record<string, string> = { ...s.assumeRoleCall.parameters };
  for (const [name, value] of Object.entries(a.parameters ?? {})) {
    if (value === undefined) delete parameters[name];
    else parameters[name] = value;
  }
  const call: ProviderCall = { ...s.assumeRoleCall, parameters };
  const authorizations = modelOf(s, {
    sourceContext: { "aws:PrincipalAccount": SOURCE_ACCOUNT, ...a.context },
  }).authorizations(call)!;
  return evaluateAll(a.caller ?? sourceCaller(s), authorizations, {
    resourcePolicy: s.trustPolicy,
    resourceAccount: DESTINATION_ACCOUNT,
  });
}

/** A row: a case name, how the request differs, and the verdict the engine must give. */
type Row = [string, Attempt, Verdict];

/** Runs the rows against the scenario of `context`. */
function rows(context: Context, cases: Row[]): void {
  const named = cases.map(([name, a, verdict]) => [name, verdict, a] as const);
  it.each(named)("%s: %s", async (_name, verdict, a) => {
    expect(await attempt(scenario(context), a)).toBe(verdict);
  });
}

describe("trust policy under the IAM policy engine", () => {
  describe("default: the whole source account", () => {
    rows({}, [
      ["a user of the source account with sts:AssumeRole on the role", {}, "allowed"],
      [
        "a role session of the source account (SSO, CI)",
        { caller: sourceCaller(scenario(), DEPLOYER_SESSION) },
        "allowed",
      ],
      [
        "a user of the source account without an identity policy",
        { caller: sourceCaller(scenario(), ALICE, false) },
        "refused",
      ],
      [
        "a user of a third account, even with sts:AssumeRole",
        { caller: sourceCaller(scenario(), `arn:aws:iam::${OTHER_ACCOUNT}:user/mallory`) },
        "refused",
      ],
      ["with any external id, since none is required", { parameters: { ExternalId: "anything" } }, "allowed"],
    ]);
  });

  describe("session tags and source identity (sts:TagSession, sts:SetSourceIdentity)", () => {
    rows({ sessionTags: { team: "platform" }, sourceIdentity: "alice" }, [
      ["ec2-stack's request with tags and a source identity", {}, "allowed"],
      [
        "the same request from a principal whose policy allows sts:AssumeRole only",
        {
          caller: {
            arn: ALICE,
            identityPolicies: [
              {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: scenario().roleArn }],
              },
            ],
          },
        },
        "refused",
      ],
      [
        "from a third account",
        { caller: sourceCaller(scenario(), `arn:aws:iam::${OTHER_ACCOUNT}:user/mallory`) },
        "refused",
      ],
    ]);
  });

  describe("externalId", () => {
    rows({ externalId: "tenant-42" }, [
      ["the external id ec2-stack sends", {}, "allowed"],
      ["a wrong external id", { parameters: { ExternalId: "tenant-43" } }, "refused"],
      ["no external id", { parameters: { ExternalId: undefined } }, "refused"],
      [
        "the right external id from a third account",
        { caller: sourceCaller(scenario(), `arn:aws:iam::${OTHER_ACCOUNT}:user/mallory`) },
        "refused",
      ],
    ]);
    rows({ externalId: "tenant-42", sessionTags: { team: "platform" } }, [
      ["with session tags: sts:TagSession needs no external id of its own", {}, "allowed"],
      ["with session tags and a wrong external id", { parameters: { ExternalId: "tenant-43" } }, "refused"],
    ]);
  });

  describe("externalIds", () => {
    rows({ externalIds: ["tenant-42", "tenant-43"], externalId: "tenant-43" }, [
      ["the one ec2-stack sends", {}, "allowed"],
      ["the other one", { parameters: { ExternalId: "tenant-42" } }, "allowed"],
      ["one not in the list", { parameters: { ExternalId: "tenant-44" } }, "refused"],
      ["none", { parameters: { ExternalId: undefined } }, "refused"],
    ]);
  });

  describe("requireMfa and mfaMaxAgeSeconds", () => {
    rows({ requireMfa: true }, [
      ["a caller signed in with MFA", { context: MFA_NOW }, "allowed"],
      ["a caller without MFA (long-term keys)", {}, "refused"],
      ["a caller whose MFA flag is false", { context: { "aws:MultiFactorAuthPresent": "false" } }, "refused"],
    ]);
    rows({ requireMfa: true, mfaMaxAgeSeconds: 900, sessionTags: { team: "platform" } }, [
      ["MFA 5 minutes ago, with session tags", { context: MFA_NOW }, "allowed"],
      [
        "MFA an hour ago",
        { context: { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "3600" } },
        "refused",
      ],
      ["no MFA", {}, "refused"],
    ]);
  });

  describe("principalOrgId", () => {
    rows({ principalOrgId: ORG }, [
      ["a caller of the organization", { context: IN_ORG }, "allowed"],
      ["a caller of another organization", { context: { "aws:PrincipalOrgID": "o-zzzzzzzzzz" } }, "refused"],
      ["a caller of no organization", {}, "refused"],
    ]);
  });

  describe("requireSourceIdentity", () => {
    rows({ requireSourceIdentity: true, sourceIdentity: "alice" }, [
      ["ec2-stack's request, which sets the source identity", {}, "allowed"],
      ["a request without a source identity", { parameters: { SourceIdentity: undefined } }, "refused"],
    ]);
  });

  describe("trustedPrincipalArns", () => {
    rows({ trustedPrincipalArns: [DEPLOYER_ROLE, ALICE] }, [
      ["a session of the trusted role", { caller: sourceCaller(scenario(), DEPLOYER_SESSION) }, "allowed"],
      ["the trusted user", {}, "allowed"],
      [
        "another user of the source account",
        { caller: sourceCaller(scenario(), `arn:aws:iam::${SOURCE_ACCOUNT}:user/bob`) },
        "refused",
      ],
      [
        "a session of another role of the source account",
        { caller: sourceCaller(scenario(), `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/Other/s`) },
        "refused",
      ],
    ]);
  });

  describe("hubRoleArns: hub and spoke", () => {
    const HUB = "arn:aws:iam::333333333333:role/hub-deployer";
    const HUB_SESSION = "arn:aws:sts::333333333333:assumed-role/hub-deployer/cdktf-ec2-stack";
    rows({ hubRoleArns: [HUB] }, [
      [
        "a session of the hub role, which ec2-stack assumes first",
        { caller: sourceCaller(scenario(), HUB_SESSION) },
        "allowed",
      ],
      ["a user of the source account, directly: only the hub is trusted", {}, "refused"],
      [
        "a role session of the source account, directly",
        { caller: sourceCaller(scenario(), DEPLOYER_SESSION) },
        "refused",
      ],
      [
        "a session of another role of the hub's account",
        { caller: sourceCaller(scenario(), "arn:aws:sts::333333333333:assumed-role/other/s") },
        "refused",
      ],
    ]);
  });

  describe("all trust settings together", () => {
    const all = {
      trustedPrincipalArns: [ALICE],
      externalIds: ["tenant-42", "tenant-43"],
      externalId: "tenant-42",
      requireMfa: true,
      mfaMaxAgeSeconds: 900,
      principalOrgId: ORG,
      requireSourceIdentity: true,
      sourceIdentity: "alice",
      sessionTags: { team: "platform" },
    };
    const ok = { ...MFA_NOW, ...IN_ORG };
    rows(all, [
      ["everything right", { context: ok }, "allowed"],
      ["a wrong external id", { context: ok, parameters: { ExternalId: "tenant-44" } }, "refused"],
      ["no MFA", { context: IN_ORG }, "refused"],
      ["MFA too old", { context: { ...ok, "aws:MultiFactorAuthAge": "1000" } }, "refused"],
      ["another organization", { context: { ...MFA_NOW, "aws:PrincipalOrgID": "o-zzzzzzzzzz" } }, "refused"],
      ["no source identity", { context: ok, parameters: { SourceIdentity: undefined } }, "refused"],
      [
        "another principal of the source account",
        { context: ok, caller: sourceCaller(scenario(), `arn:aws:iam::${SOURCE_ACCOUNT}:user/bob`) },
        "refused",
      ],
      [
        "a principal without an identity policy",
        { context: ok, caller: sourceCaller(scenario(), ALICE, false) },
        "refused",
      ],
    ]);
  });
});
