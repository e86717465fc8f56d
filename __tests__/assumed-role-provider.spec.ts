import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AssumedRoleProvider, AssumedRoleProviderProps } from "../constructs/assumed-role-provider";
import { DESTINATION_ACCOUNT, exactly, onlyProvider, stackJson, testApp } from "./helpers";

const ROLE_ARN = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/deployer`;

/** An AssumedRoleProvider in a fresh stack. */
function providerIn(props: Partial<AssumedRoleProviderProps> = {}): TerraformStack {
  const stack = new TerraformStack(testApp(), "test");
  new AssumedRoleProvider(stack, "AssumedRoleProvider", {
    region: "eu-west-1",
    profile: "source",
    roleArn: ROLE_ARN,
    sessionName: "cdktf-test",
    ...props,
  });
  return stack;
}

describe("AssumedRoleProvider", () => {
  it("signs in with the given profile and assumes the role", () => {
    // WHEN
    const stack = providerIn();

    // THEN
    expect(onlyProvider(stackJson(stack))).toEqual({
      region: "eu-west-1",
      profile: "source",
      assume_role: [{ role_arn: ROLE_ARN, session_name: "cdktf-test" }],
    });
  });

  it("passes the external id and the session duration in seconds when given", () => {
    // WHEN
    const stack = providerIn({ externalId: "tenant-42", durationSeconds: 7200 });

    // THEN
    expect(Testing.synth(stack)).toHaveProviderWithProperties(AwsProvider, {
      assume_role: [{ role_arn: ROLE_ARN, session_name: "cdktf-test", external_id: "tenant-42", duration: "7200s" }],
    });
  });

  it("sets the session's source identity and tags when given", () => {
    // WHEN
    const stack = providerIn({ sourceIdentity: "alice", sessionTags: { team: "platform", cost: "42" } });

    // THEN
    expect(onlyProvider(stackJson(stack)).assume_role).toEqual([
      {
        role_arn: ROLE_ARN,
        session_name: "cdktf-test",
        source_identity: "alice",
        tags: { team: "platform", cost: "42" },
      },
    ]);
  });

  it("passes no session tags when given none", () => {
    expect(onlyProvider(stackJson(providerIn({ sessionTags: {} }))).assume_role).toEqual([
      { role_arn: ROLE_ARN, session_name: "cdktf-test" },
    ]);
  });

  it.each([["x"], ["a".repeat(65)], ["alice smith"]])("rejects the source identity %j", (sourceIdentity) => {
    expect(() => providerIn({ sourceIdentity })).toThrow(
      exactly(`sourceIdentity "${sourceIdentity}" must be 2 to 64 letters, digits or _+=,.@-`),
    );
  });

  it("signs in with an OIDC token instead of a profile when given a web identity", () => {
    // WHEN
    const stack = providerIn({
      profile: undefined,
      webIdentity: { roleArn: "arn:aws:iam::111111111111:role/ci", tokenFile: "/run/token" },
    });

    // THEN
    expect(onlyProvider(stackJson(stack))).toEqual({
      region: "eu-west-1",
      assume_role_with_web_identity: [
        {
          role_arn: "arn:aws:iam::111111111111:role/ci",
          web_identity_token_file: "/run/token",
          session_name: "cdktf-test",
        },
      ],
      assume_role: [{ role_arn: ROLE_ARN, session_name: "cdktf-test" }],
    });
  });

  it("assumes the hub roles in order before the role, with the session settings on the role's session only", () => {
    // WHEN
    const stack = providerIn({
      hubRoleArns: ["arn:aws:iam::333333333333:role/hub", "arn:aws:iam::444444444444:role/regional"],
      externalId: "tenant-42",
      sourceIdentity: "alice",
    });

    // THEN
    expect(onlyProvider(stackJson(stack)).assume_role).toEqual([
      { role_arn: "arn:aws:iam::333333333333:role/hub", session_name: "cdktf-test" },
      { role_arn: "arn:aws:iam::444444444444:role/regional", session_name: "cdktf-test" },
      { role_arn: ROLE_ARN, session_name: "cdktf-test", external_id: "tenant-42", source_identity: "alice" },
    ]);
  });

  it.each([
    ["neither a profile nor a web identity", { profile: undefined }],
    [
      "both a profile and a web identity",
      { webIdentity: { roleArn: "arn:aws:iam::111111111111:role/ci", tokenFile: "t" } },
    ],
  ])("refuses %s", (_, props) => {
    expect(() => providerIn(props)).toThrow(
      exactly("give exactly one of profile, webIdentity and sharedConfigFile: how the provider signs in"),
    );
  });

  it("restricts the accounts it may act in when given", () => {
    // WHEN
    const stack = providerIn({ allowedAccountIds: [DESTINATION_ACCOUNT] });

    // THEN
    expect(Testing.synth(stack)).toHaveProviderWithProperties(AwsProvider, {
      allowed_account_ids: [DESTINATION_ACCOUNT],
    });
  });

  it("is an aliased provider when given an alias", () => {
    // WHEN
    const stack = providerIn({ alias: "assumed" });

    // THEN
    expect(Testing.synth(stack)).toHaveProviderWithProperties(AwsProvider, { alias: "assumed" });
  });

  it("exposes the provider for the resources that act through the role", () => {
    // GIVEN
    const stack = new TerraformStack(testApp(), "test");

    // WHEN
    const assumed = new AssumedRoleProvider(stack, "AssumedRoleProvider", {
      region: "eu-west-1",
      profile: "source",
      roleArn: ROLE_ARN,
      sessionName: "cdktf-test",
      alias: "assumed",
    });

    // THEN
    expect(assumed.provider).toBeInstanceOf(AwsProvider);
    expect(assumed.provider.alias).toBe("assumed");
  });

  it.each([["x"], ["a".repeat(65)], ["my session"]])("rejects the session name %j", (sessionName) => {
    expect(() => providerIn({ sessionName })).toThrow(
      exactly(`sessionName "${sessionName}" must be 2 to 64 letters, digits or _+=,.@-`),
    );
  });

  it("does not validate a session name that is only known at apply time", () => {
    // GIVEN
    const stack = new TerraformStack(testApp(), "test");
    const sessionName = new TerraformVariable(stack, "SessionName", { type: "string" }).stringValue;

    // WHEN
    new AssumedRoleProvider(stack, "AssumedRoleProvider", {
      region: "eu-west-1",
      profile: "source",
      roleArn: ROLE_ARN,
      sessionName,
    });

    // THEN
    expect(Testing.synth(stack)).toHaveProviderWithProperties(AwsProvider, {
      assume_role: [{ role_arn: ROLE_ARN, session_name: "${var.SessionName}" }],
    });
  });
});
