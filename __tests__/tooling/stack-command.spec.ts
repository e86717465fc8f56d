import * as path from "path";
import {
  cdktfRuns,
  cloudStateRead,
  cloudStateUnreadable,
  commandSelections,
  explainFailure,
  managedResources,
  npmCommand,
  outputDir,
  parseStackCommand,
  pulledState,
  refuseDestroyMessage,
  selectStacks,
  stackPairs,
  StackSelection,
  UsageError,
} from "../../scripts/lib/stack-command";
import { configFrom } from "../helpers";

const SINGLE = stackPairs(configFrom());
const TARGETS = stackPairs(configFrom({ targets: [{ name: "blue" }, { name: "green", destinationProfile: "green" }] }));
const EC2: StackSelection = { kind: "ec2", pairs: SINGLE };
const IAM: StackSelection = { kind: "iam", pairs: SINGLE };

describe("stackPairs", () => {
  it("is the single iam-stack/ec2-stack pair without targets", () => {
    expect(SINGLE).toEqual([{ iam: "iam-stack", ec2: "ec2-stack" }]);
  });

  it("is one pair per target, named as defineStacks names them", () => {
    expect(TARGETS).toEqual([
      { iam: "iam-stack-blue", ec2: "ec2-stack-blue", target: "blue" },
      { iam: "iam-stack-green", ec2: "ec2-stack-green", target: "green" },
    ]);
  });
});

describe("selectStacks", () => {
  it("selects a kind in every pair when no target is named", () => {
    expect(selectStacks(TARGETS, "ec2-stack")).toEqual({ kind: "ec2", pairs: TARGETS });
  });

  it("selects one pair by stack name or by --target", () => {
    expect(selectStacks(TARGETS, "iam-stack-green")).toEqual({ kind: "iam", pairs: [TARGETS[1]] });
    expect(selectStacks(TARGETS, "iam-stack", "green")).toEqual({ kind: "iam", pairs: [TARGETS[1]] });
  });

  it("refuses unknown stacks and targets, listing the known stacks", () => {
    expect(() => selectStacks(SINGLE, "web-stack")).toThrow(
      new UsageError('unknown stack "web-stack"; this configuration has iam-stack, ec2-stack'),
    );
    expect(() => selectStacks(TARGETS, "ec2-stack-red")).toThrow(
      'unknown stack "ec2-stack-red"; this configuration has iam-stack-blue, ec2-stack-blue, iam-stack-green, ec2-stack-green',
    );
    expect(() => selectStacks(TARGETS, "ec2-stack", "red")).toThrow('unknown target "red"');
    expect(() => selectStacks(TARGETS, "ec2-stack-blue", "green")).toThrow(
      "stack ec2-stack-blue and --target green disagree; give one of them",
    );
  });
});

describe("parseStackCommand", () => {
  it("keeps the wrapper's options and passes the others, and everything after --, to cdktf", () => {
    // WHEN
    const command = parseStackCommand([
      "destroy",
      "iam-stack",
      "--force",
      "--auto-approve",
      "--target=blue",
      "--",
      "--force",
    ]);

    // THEN
    expect(command).toEqual({
      action: "destroy",
      stack: "iam-stack",
      target: "blue",
      force: true,
      passThrough: ["--auto-approve", "--force"],
    });
  });

  it("refuses an unknown action, a missing stack and --force on deploy", () => {
    expect(() => parseStackCommand(["plan", "iam-stack"])).toThrow(
      /^usage: scripts\/stack.ts <deploy\|destroy\|diff> /,
    );
    expect(parseStackCommand(["diff", "ec2-stack", "--target", "blue"])).toMatchObject({
      action: "diff",
      stack: "ec2-stack",
      target: "blue",
    });
    expect(() => parseStackCommand(["diff", "iam-stack", "--force"])).toThrow("--force only applies to destroy");
    expect(() => parseStackCommand(["deploy", "--auto-approve"])).toThrow(/^usage: scripts\/stack.ts/);
    expect(() => parseStackCommand(["deploy", "iam-stack", "--force"])).toThrow("--force only applies to destroy");
  });

  it("takes `all` only for destroy", () => {
    expect(parseStackCommand(["destroy", "all", "--target", "blue"])).toMatchObject({ stack: "all", target: "blue" });
    expect(() => parseStackCommand(["deploy", "all"])).toThrow(
      new UsageError("all only applies to destroy: deploy iam-stack first, then ec2-stack"),
    );
  });
});

describe("commandSelections", () => {
  it("is the one selection of a named stack", () => {
    expect(commandSelections(TARGETS, parseStackCommand(["deploy", "ec2-stack", "--target", "green"]))).toEqual([
      { kind: "ec2", pairs: [TARGETS[1]] },
    ]);
  });

  it("destroys all: every ec2 stack first, then every iam stack", () => {
    expect(commandSelections(SINGLE, parseStackCommand(["destroy", "all"]))).toEqual([EC2, IAM]);
    expect(commandSelections(TARGETS, parseStackCommand(["destroy", "all"]))).toEqual([
      { kind: "ec2", pairs: TARGETS },
      { kind: "iam", pairs: TARGETS },
    ]);
  });

  it("destroys all of one target's pair with --target, and refuses an unknown target", () => {
    expect(commandSelections(TARGETS, parseStackCommand(["destroy", "all", "--target", "blue"]))).toEqual([
      { kind: "ec2", pairs: [TARGETS[0]] },
      { kind: "iam", pairs: [TARGETS[0]] },
    ]);
    expect(() => commandSelections(TARGETS, parseStackCommand(["destroy", "all", "--target", "red"]))).toThrow(
      'unknown target "red"; this configuration has iam-stack-blue, ec2-stack-blue, iam-stack-green, ec2-stack-green',
    );
  });
});

describe("cdktfRuns", () => {
  it("plans each selected stack in a run of its own: cdktf diff takes one stack", () => {
    expect(cdktfRuns("diff", { kind: "ec2", pairs: TARGETS }, ["--no-color"])).toEqual([
      ["diff", "ec2-stack-blue", "--no-color"],
      ["diff", "ec2-stack-green", "--no-color"],
    ]);
  });

  it("runs one half of the pair without cdktf's dependency check, and passes the rest through", () => {
    expect(cdktfRuns("deploy", EC2, ["--auto-approve"])).toEqual([
      ["deploy", "ec2-stack", "--ignore-missing-stack-dependencies", "--auto-approve"],
    ]);
  });

  it("deploys every selected stack in one run", () => {
    expect(cdktfRuns("deploy", { kind: "iam", pairs: TARGETS }, [])).toEqual([
      ["deploy", "iam-stack-blue", "iam-stack-green", "--ignore-missing-stack-dependencies"],
    ]);
  });

  it("destroys ec2 stacks in one run without the flag: no stack depends on them", () => {
    expect(cdktfRuns("destroy", { kind: "ec2", pairs: TARGETS }, ["--auto-approve"])).toEqual([
      ["destroy", "ec2-stack-blue", "ec2-stack-green", "--auto-approve"],
    ]);
  });

  it("destroys several iam stacks one run each, as cdktf 0.21 never starts several with the flag", () => {
    expect(cdktfRuns("destroy", { kind: "iam", pairs: TARGETS }, ["--auto-approve"])).toEqual([
      ["destroy", "iam-stack-blue", "--ignore-missing-stack-dependencies", "--auto-approve"],
      ["destroy", "iam-stack-green", "--ignore-missing-stack-dependencies", "--auto-approve"],
    ]);
    expect(cdktfRuns("destroy", IAM, [])).toEqual([["destroy", "iam-stack", "--ignore-missing-stack-dependencies"]]);
  });
});

describe("outputDir", () => {
  it("finds --output in either form", () => {
    expect(outputDir(["--auto-approve", "--output", "out"])).toBe("out");
    expect(outputDir(["--output=out2"])).toBe("out2");
    expect(outputDir(["--auto-approve"])).toBeUndefined();
  });
});

describe("npmCommand", () => {
  it("is the npm script, with --target for a target's pair", () => {
    expect(npmCommand("deploy", "iam")).toBe("npm run deploy:iam");
    expect(npmCommand("destroy", "iam", TARGETS[0], "--force")).toBe("npm run destroy:iam -- --target blue --force");
  });
});

describe("managedResources", () => {
  it("lists managed resources that have instances, not data sources or emptied resources", () => {
    const state = JSON.stringify({
      resources: [
        { mode: "data", type: "aws_ami", name: "Ami", instances: [{}] },
        { mode: "managed", type: "aws_instance", name: "Instance_43E3DA95", instances: [{}] },
        { mode: "managed", type: "aws_eip", name: "Gone", instances: [] },
      ],
    });
    expect(managedResources(state)).toEqual(["aws_instance.Instance_43E3DA95"]);
    expect(managedResources('{"version": 4}')).toEqual([]);
  });

  it("leaves out what lives in the state only: the pins of the region and the subnet reach no account", () => {
    const state = JSON.stringify({
      resources: [
        {
          mode: "managed",
          type: "aws_instance",
          name: "Instance_43E3DA95",
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          instances: [{}],
        },
        {
          mode: "managed",
          type: "terraform_data",
          name: "Instance_RegionPin_8DB0B414",
          provider: 'provider["terraform.io/builtin/terraform"]',
          instances: [{}],
        },
      ],
    });
    expect(managedResources(state)).toEqual(["aws_instance.Instance_43E3DA95"]);
  });
});

describe("refuseDestroyMessage", () => {
  it("names the remaining resources and both ways forward", () => {
    expect(refuseDestroyMessage([{ pair: SINGLE[0], addresses: ["aws_instance.Instance_43E3DA95"] }])).toBe(
      "Refusing to destroy iam-stack: ec2-stack still has 1 resource in its state (aws_instance.Instance_43E3DA95). " +
        "ec2-stack reaches the destination account only through iam-stack's role: without it, those resources " +
        "could no longer be changed or destroyed by this app.\n" +
        "Destroy ec2-stack first:  npm run destroy:ec2\n" +
        "To destroy iam-stack anyway, on purpose:  npm run destroy:iam -- --force",
    );
  });
});

describe("explainFailure", () => {
  it("says to deploy iam-stack first when its state is missing", () => {
    const output = [
      "ec2-stack  data.terraform_remote_state.cross-stack-reference-input-iam-stack: Reading...",
      "ec2-stack  Error: Unable to find remote state",
      "             with data.terraform_remote_state.cross-stack-reference-input-iam-stack,",
      "           No stored state was found for the given workspace in the given backend.",
    ].join("\n");

    expect(explainFailure(output, { action: "deploy", selection: EC2 })).toBe(
      "iam-stack has not been deployed (no outputs in its state): run `npm run deploy:iam` first, " +
        "then run this command again.",
    );
  });

  it("says the same, for the target's pair, when iam-stack's state has no outputs (destroyed)", () => {
    const output = [
      "ec2-stack-blue  Error: Unsupported attribute",
      '            108:             "role_arn": "${data.terraform_remote_state.cross-stack-reference-input-iam-stack-blue.outputs.cross-stack-output-aws_iam_roleCrossAccountRole_DF77EF69arn}",',
      "           This object does not have an attribute named",
      '           "cross-stack-output-aws_iam_roleCrossAccountRole_DF77EF69arn".',
    ].join("\n");

    expect(explainFailure(output, { action: "destroy", selection: { kind: "ec2", pairs: TARGETS } })).toBe(
      "iam-stack-blue has not been deployed (no outputs in its state): " +
        "run `npm run deploy:iam -- --target blue` first, then destroy again.",
    );
  });

  it("explains a held lock with its holder and the force-unlock command", () => {
    const output = [
      "ec2-stack  Error: Error acquiring the state lock",
      "           Error message: resource temporarily unavailable",
      "           Lock Info:",
      "             ID:        96e3491d-242e-7a25-1a7f-4a3f2ae94c18",
      "             Path:      /state/terraform.ec2-stack.tfstate",
      "             Operation: OperationTypeApply",
      "             Who:       alice@laptop",
      "             Created:   2026-11-24 14:06:25.79841691 +0000 UTC",
    ].join("\n");

    expect(explainFailure(output, { action: "deploy", selection: EC2, outDir: "out" })).toBe(
      "The state of ec2-stack is locked by another run (by alice@laptop for OperationTypeApply since " +
        "2026-11-24 14:06:25.79841691 +0000 UTC): nothing was changed. Wait for that run to finish, then run this " +
        "command again. If no run is active any more (one was killed), release the lock with " +
        "`terraform force-unlock 96e3491d-242e-7a25-1a7f-4a3f2ae94c18` in out/stacks/ec2-stack.",
    );
  });

  it("explains an unreachable endpoint, even when Terraform wrapped the line", () => {
    const output = [
      "           Error: operation error STS: AssumeRole, exceeded maximum number of attempts, 3,",
      "           https response error StatusCode: 0, RequestID: , request send failed, Post",
      '           "http://127.0.0.1:47517/": dial tcp 127.0.0.1:47517: connect: connection',
      "           refused",
    ].join("\n");

    expect(explainFailure(output, { action: "deploy", selection: EC2 })).toBe(
      "Cannot reach the AWS endpoint http://127.0.0.1:47517 (connection refused). Check the network connection, " +
        "any proxy, and AWS_ENDPOINT_URL if you set one. The state keeps whatever was done before the failure: " +
        "run the same command again once the endpoint answers.",
    );
  });

  it("names an unknown host", () => {
    const output =
      'request send failed, Post "https://sts.us-east-1.amazonaws.com/": dial tcp: lookup sts.us-east-1.amazonaws.com on 127.0.0.53:53: no such host';

    expect(explainFailure(output, { action: "deploy", selection: IAM })).toMatch(
      /^Cannot reach the AWS endpoint https:\/\/sts\.us-east-1\.amazonaws\.com \(unknown host\)\./,
    );
  });

  it("says how to move the state when the state settings changed", () => {
    const output = [
      "iam-stack  Initializing the backend...",
      "iam-stack  Error: Backend configuration changed",
      "           A change in the backend configuration has been detected, which may require",
      "           migrating existing state.",
    ].join("\n");

    expect(explainFailure(output, { action: "deploy", selection: IAM })).toBe(
      "The state settings (backend, bucket, key prefix, KMS key or state directory) changed since iam-stack was last run " +
        "from cdktf.out: nothing was changed. To move the existing state to the new place, run " +
        "`npm run deploy:iam -- --migrate-state` (Terraform copies it; see docs/state.md).",
    );
  });

  /** What Terraform prints when the bucket refuses the lock file (a policy that requires SSE-KMS). */
  const REFUSED_LOCK = [
    "iam-stack  Error: Error acquiring the state lock",
    "           Error message: operation error S3: PutObject, https response error StatusCode:",
    "           403, RequestID: hKVYopUORg6Z8o8W, HostID: 9Gjjt1m+cjU4OPvX9O9=,",
    "           api error AccessDenied: Access Denied",
    "           unable to retrieve file from S3 bucket 'acme-state' with",
    "           key 'cdktf-assume-role/iam-stack.tfstate.tflock': operation error S3: GetObject, https",
    "           response error StatusCode: 404, RequestID: VVZo, HostID: 9Gjj=, NoSuchKey:",
    "           Terraform acquires a state lock to protect the state from being written",
    "           by multiple users at the same time.",
  ].join("\n");
  const KMS_FIX =
    "If the bucket's policy requires SSE-KMS, set stateKmsKeyId (STATE_KMS_KEY_ID) to the key's ARN, the key " +
    "`npm run bootstrap-state` set as the bucket's default: without it, Terraform asks for SSE-S3 (AES256) on " +
    "every write. Otherwise give stateProfile's principal s3:PutObject on the state objects (docs/state.md).";

  it("names stateKmsKeyId when the bucket refuses the lock, instead of calling the state locked", () => {
    expect(explainFailure(REFUSED_LOCK, { action: "deploy", selection: IAM })).toBe(
      "The state bucket refused to write the lock of iam-stack's state (AccessDenied on PutObject): nothing was " +
        `changed. ${KMS_FIX} Then run this command again.`,
    );
  });

  it("says to keep errored.tfstate and push it when the bucket refuses the state after changes", () => {
    const output = [
      "│ Error: Failed to save state",
      "│ ",
      "│ Error saving state: failed to upload state: operation error S3: PutObject,",
      "│ https response error StatusCode: 403, RequestID: 1, HostID: 2, api error",
      "│ AccessDenied: Access Denied",
      "│ Error: Failed to persist state to backend",
      "│ The error shown above has prevented Terraform from writing the updated state to",
      '│ the configured backend. To allow for recovery, the state has been written to the file "errored.tfstate"',
    ].join("\n");
    expect(explainFailure(output, { action: "deploy", selection: IAM, outDir: "out" })).toBe(
      "The state bucket refused to save the state of iam-stack (AccessDenied on PutObject) after Terraform had made " +
        `changes: the state is in errored.tfstate in ${path.join("out", "stacks", "iam-stack")}. Keep that file. ` +
        `${KMS_FIX} Then push it with \`terraform state push errored.tfstate\` in that directory, and run this command again.`,
    );
  });

  it("names sessionDurationSeconds when AWS refuses a chained session longer than an hour", () => {
    const output = [
      "│ Error: Cannot assume IAM Role",
      "│ ",
      "│ IAM Role (arn:aws:iam::222222222222:role/cdktf-assume-role-ec2) cannot be",
      "│ assumed.",
      "│ ",
      "│ operation error STS: AssumeRole, https response error StatusCode: 400,",
      "│ RequestID: 5b1c, api error ValidationError: The requested DurationSeconds",
      "│ exceeds the 1 hour session limit for roles assumed by role chaining.",
    ].join("\n");
    expect(explainFailure(output, { action: "deploy", selection: EC2 })).toBe(
      "AWS refused the session that sessionDurationSeconds asks for: the role is assumed from a role session " +
        "(role chaining: the source profile is an SSO or role_arn profile, or a hub role or web identity stands " +
        "before it), and AWS limits such a session to one hour. Set sessionDurationSeconds (SESSION_DURATION_SECONDS) " +
        "to 3600 or less, or sign in with the source profile's own keys; then run this command again. Nothing " +
        "was changed by the step that failed.",
    );
  });

  it("says an interrupted run can be run again", () => {
    expect(
      explainFailure("Interrupt received.\nPlease wait for Terraform to exit", { action: "deploy", selection: EC2 }),
    ).toBe(
      "The run was interrupted. Terraform finished the operations in flight and saved the state: " +
        "run the same command again to complete it.",
    );
  });

  it("adds nothing to an output it does not recognise", () => {
    expect(explainFailure("Error: creating IAM Role: EntityAlreadyExists", { action: "deploy", selection: IAM })).toBe(
      undefined,
    );
  });
});

describe("reading the state of an HCP Terraform workspace (backend cloud)", () => {
  it("runs terraform init, then terraform state pull, in the synthesized stack, under cdktf's output directory", () => {
    expect(cloudStateRead("ec2-stack")).toEqual({
      cwd: path.join("cdktf.out", "stacks", "ec2-stack"),
      commands: [
        ["init", "-input=false", "-no-color"],
        ["state", "pull"],
      ],
    });
    expect(cloudStateRead("ec2-stack-prod", "out").cwd).toBe(path.join("out", "stacks", "ec2-stack-prod"));
  });

  it("takes what state pull prints as the state, and nothing printed as no state", () => {
    const json = JSON.stringify({ version: 4, resources: [] });
    expect(pulledState(`${json}\n`)).toBe(`${json}\n`);
    expect(pulledState("")).toBeUndefined();
    expect(pulledState("\n")).toBeUndefined();
  });

  it("says how to sign in and what to check when the workspace cannot be read", () => {
    const read = cloudStateRead("ec2-stack");
    expect(
      cloudStateUnreadable(
        "ec2-stack",
        "cdktf-assume-role-ec2-stack",
        read,
        "Error: Required token could not be found",
      ),
    ).toBe(
      "could not read the state of the HCP Terraform workspace cdktf-assume-role-ec2-stack with " +
        `\`terraform init -input=false -no-color\` and \`terraform state pull\` in ${path.join("cdktf.out", "stacks", "ec2-stack")}: ` +
        "Error: Required token could not be found. Sign in to HCP Terraform (`terraform login`, or TF_TOKEN_<host> " +
        "with the host's dots as underscores, e.g. TF_TOKEN_app_terraform_io), check in the workspace that ec2-stack " +
        "has no resources left, then run the command again",
    );
  });
});
