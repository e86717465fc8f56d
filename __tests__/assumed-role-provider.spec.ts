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
