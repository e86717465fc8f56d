import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { RoleReadyWait, RoleReadyWaitProps, WAIT_UNTIL_ASSUMABLE_SCRIPT } from "../constructs/role-ready-wait";
import { exactly, onlyBlock, stackJson, testApp } from "./helpers";

const ROLE_ARN = "arn:aws:iam::222222222222:role/deployer";

/** A RoleReadyWait in a fresh stack. */
function waitIn(props: Partial<RoleReadyWaitProps> = {}): TerraformStack {
  const stack = new TerraformStack(testApp(), "test");
  new RoleReadyWait(stack, "RoleReady", {
    roleArn: ROLE_ARN,
    profile: "source",
    region: "eu-west-1",
    timeoutSeconds: 120,
    ...props,
  });
  return stack;
}

/** The one terraform_data block. */
const waitBlock = (stack: TerraformStack) => onlyBlock(stackJson(stack), "resource", "terraform_data").block;

describe("RoleReadyWait", () => {
  it("runs the shipped wait script with node when created, with the session's settings in its environment", () => {
    expect(waitBlock(waitIn())).toEqual({
      triggers_replace: { roleArn: ROLE_ARN },
      provisioner: [
        {
          "local-exec": {
            command: `node ${JSON.stringify(WAIT_UNTIL_ASSUMABLE_SCRIPT)}`,
            environment: {
              WAIT_ROLE_ARN: ROLE_ARN,
              WAIT_PROFILE: "source",
              WAIT_REGION: "eu-west-1",
              WAIT_TIMEOUT_SECONDS: "120",
            },
          },
        },
      ],
    });
  });

  it("ships the script it runs, beside the construct", () => {
    expect(WAIT_UNTIL_ASSUMABLE_SCRIPT).toBe(path.join(__dirname, "..", "constructs", "wait-until-assumable.js"));
    expect(fs.statSync(WAIT_UNTIL_ASSUMABLE_SCRIPT).isFile()).toBe(true);
  });

  it("sends the external id, source identity and session tags the assuming stack sends", () => {
    const block = waitBlock(
      waitIn({ externalId: "tenant-42", sourceIdentity: "alice", sessionTags: { team: "platform", env: "dev" } }),
    );
    const exec = (block.provisioner as { "local-exec": { environment: Record<string, string> } }[])[0]["local-exec"];
    expect(exec.environment).toMatchObject({
      WAIT_EXTERNAL_ID: "tenant-42",
      WAIT_SOURCE_IDENTITY: "alice",
      WAIT_SESSION_TAGS: JSON.stringify({ team: "platform", env: "dev" }),
    });
  });

  it("passes no session tags variable for an empty set of tags", () => {
    const block = waitBlock(waitIn({ sessionTags: {} }));
    const exec = (block.provisioner as { "local-exec": { environment: Record<string, string> } }[])[0]["local-exec"];
    expect(exec.environment).not.toHaveProperty("WAIT_SESSION_TAGS");
  });

  it("waits again when a trigger changes, and after what it depends on", () => {
    const stack = new TerraformStack(testApp(), "test");
    const first = new RoleReadyWait(stack, "First", {
      roleArn: ROLE_ARN,
      profile: "p",
      region: "us-east-1",
      timeoutSeconds: 5,
    });
    new RoleReadyWait(stack, "Second", {
      roleArn: ROLE_ARN,
      profile: "p",
      region: "us-east-1",
      timeoutSeconds: 5,
      triggers: { trustPolicy: "{}" },
      dependsOn: [first.resource],
    });
    const blocks = stackJson(stack).resource!.terraform_data;
    const second = Object.values(blocks).find((b) => (b.triggers_replace as Record<string, string>).trustPolicy);
    expect(second).toMatchObject({
      triggers_replace: { roleArn: ROLE_ARN, trustPolicy: "{}" },
      depends_on: [`terraform_data.${first.resource.friendlyUniqueId}`],
    });
  });

  it("signs in as the assuming stack does: an OIDC token instead of a profile, then the hub roles", () => {
    const block = waitBlock(
      waitIn({
        profile: undefined,
        webIdentity: { roleArn: "arn:aws:iam::111111111111:role/ci", tokenFile: "/run/token" },
        hubRoleArns: ["arn:aws:iam::333333333333:role/hub"],
      }),
    );
    const exec = (block.provisioner as { "local-exec": { environment: Record<string, string> } }[])[0]["local-exec"];
    expect(exec.environment).toEqual({
      WAIT_ROLE_ARN: ROLE_ARN,
      WAIT_REGION: "eu-west-1",
      WAIT_TIMEOUT_SECONDS: "120",
      WAIT_WEB_IDENTITY_ROLE_ARN: "arn:aws:iam::111111111111:role/ci",
      WAIT_WEB_IDENTITY_TOKEN_FILE: "/run/token",
      WAIT_HUB_ROLE_ARNS: '["arn:aws:iam::333333333333:role/hub"]',
    });
  });

  it("refuses to sign in two ways, or none", () => {
    const message = exactly("give exactly one of profile and webIdentity: how the wait signs in");
    expect(() => waitIn({ profile: undefined })).toThrow(message);
    expect(() => waitIn({ webIdentity: { roleArn: "arn:aws:iam::111111111111:role/ci", tokenFile: "t" } })).toThrow(
      message,
    );
  });

  it("runs a given script instead of the shipped one", () => {
    const block = waitBlock(waitIn({ scriptPath: "/opt/wait.js" }));
    expect(JSON.stringify(block.provisioner)).toContain('"command":"node \\"/opt/wait.js\\""');
  });

  it("takes a timeout of 1 second, the shortest", () => {
    expect(() => waitIn({ timeoutSeconds: 1 })).not.toThrow();
  });

  it.each([0, -1, 1.5])("refuses a timeout of %s seconds", (timeoutSeconds) => {
    expect(() => waitIn({ timeoutSeconds })).toThrow(
      exactly(`timeoutSeconds is ${timeoutSeconds}; it must be a whole number of seconds, at least 1`),
    );
  });
});
