/**
 * The synthesized least-privilege policy under an IAM policy engine: every call the AWS provider
 * made in a recorded run (scripts/lib/provider-calls.ts, `npm run record:provider-calls`) is
 * allowed with the resource ARNs and condition keys AWS would put in its request, and what the
 * app would refuse to synthesize is refused. docs/least-privilege.md lists the calls and the
 * verdicts, and is checked here.
 */
import * as fs from "fs";
import * as path from "path";
import { CANONICAL_ACCOUNT_ID } from "../../config";
import { DESTINATION_ACCOUNT } from "../helpers";
import { callKey, loadRecordedCalls, Phase, ProviderCall, RecordedCall } from "../../scripts/lib/provider-calls";
import { MANAGED_BY, MANAGED_BY_KEY } from "../../constructs/shared/tags";
import { World } from "./requests";
import { modelOf, roleSession, Scenario, scenario, sourceCaller } from "./scenario";
import { Authorization, evaluateAll, Verdict } from "./simulate";

const RECORDED = loadRecordedCalls();

/** Calls whose refusal the provider tolerates, and why. */
const TOLERATED_REFUSALS: Readonly<Record<string, string>> = {
  "ec2:GetInstanceUefiData": "the aws_ami data source ignores its error; it cannot succeed for an AMI anyway",
};

/** The scenario of the settings a recorded phase ran with. */
function phaseScenario(phase: Phase): Scenario {
  return scenario({}, RECORDED.settings[phase]);
}

/**
 * The verdict on a call by the role of `s`, or "no permission needed" (sts:GetCallerIdentity).
 * sts:AssumeRole, made with the source profile's own key, is judged against the trust policy.
 */
async function verdictOf(s: Scenario, call: ProviderCall, world: Partial<World> = {}): Promise<string> {
  const authorizations = modelOf(s, world).authorizations(call);
  if (authorizations === undefined) return "no permission needed";
  if (call.caller === "source") {
    return evaluateAll(sourceCaller(s), authorizations, {
      resourcePolicy: s.trustPolicy,
      resourceAccount: DESTINATION_ACCOUNT,
    });
  }
  return evaluateAll(roleSession(s), authorizations);
}

const recordedVerdicts = new Map<string, Promise<string>>();

/** The verdict on a recorded call in the settings of one of its phases; judged once per spec run. */
function recordedVerdict(call: RecordedCall, phase: Phase): Promise<string> {
  const key = `${phase} ${callKey(call)}`;
  let verdict = recordedVerdicts.get(key);
  if (!verdict) recordedVerdicts.set(key, (verdict = verdictOf(phaseScenario(phase), call)));
  return verdict;
}

/** The verdict a recorded call must get. */
function expected(call: RecordedCall): string {
  if (call.action === "sts:GetCallerIdentity") return "no permission needed";
  return TOLERATED_REFUSALS[call.action] ? "refused" : "allowed";
}

/** A short name of a recorded call for test names: its action and a few telling parameters. */
function nameOf(call: RecordedCall): string {
  const telling = Object.entries(call.parameters)
    .filter(([k]) =>
      /^(Attribute|InstanceType|Tag\.1\.Key|ImageId\.1|Owner\.1|InstanceType\.Value|DisableApiTermination\.Value)/.test(
        k,
      ),
    )
    .map(([k, v]) => `${k}=${v}`);
  return [call.action, ...telling].join(" ");
}

/** The recorded call of an action (the first, if several). */
function recorded(action: string, phase: Phase = "create"): RecordedCall {
  const call = RECORDED.calls.find((c) => c.action === action && c.phases.includes(phase));
  if (!call) throw new Error(`the recorded list has no ${action} in ${phase}`);
  return call;
}

/** A recorded call with parameters set (a value) or dropped (undefined). */
function changed(call: ProviderCall, parameters: Readonly<Record<string, string | undefined>>): ProviderCall {
  const result: Record<string, string> = { ...call.parameters };
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return { ...call, parameters: result };
}

/** The role's verdict on authorizations made up directly (calls the provider never makes). */
async function direct(s: Scenario, ...authorizations: Authorization[]): Promise<Verdict> {
  return evaluateAll(roleSession(s), authorizations);
}

/** The recorded RunInstances with its ManagedBy tag replaced by `key` = `value`. */
function managedByTagAs(call: ProviderCall, key: string, value: string): ProviderCall {
  const tags = Object.entries(call.parameters).filter(([k]) => /^TagSpecification\.1\.Tag\.\d+\.Key$/.test(k));
  const managed = tags.find(([, v]) => v === MANAGED_BY_KEY)?.[0];
  if (!managed) throw new Error("the recorded RunInstances has no ManagedBy tag");
  const prefix = managed.replace(/\.Key$/, "");
  return changed(call, { [`${prefix}.Key`]: key, [`${prefix}.Value`]: value });
}

describe("least-privilege policy under the IAM policy engine", () => {
  describe("every call of the recorded run", () => {
    it("was recorded from a real run with the pinned Terraform and AWS provider", () => {
      expect(RECORDED.recordedWith).toMatchObject({ terraform: "1.11.4", awsProvider: "5.100.0" });
      expect(new Set(RECORDED.calls.map((c) => c.action)).size).toBeGreaterThanOrEqual(20);
    });

    const rows = RECORDED.calls.flatMap((call) => call.phases.map((phase) => ({ call, phase, name: nameOf(call) })));
    it.each(rows)("$phase: $name is $call.caller's and gets its verdict", async ({ call, phase }) => {
      expect(await recordedVerdict(call, phase)).toBe(expected(call));
    });
  });

  describe("what the app would refuse to synthesize is refused", () => {
    const s = (): Scenario => phaseScenario("create");
    const run = (): RecordedCall => recorded("ec2:RunInstances");
    const world = (): Partial<World> => ({});

    it.each<[string, () => ProviderCall, () => Partial<World>]>([
      ["in another region", run, () => ({ region: "eu-west-1" })],
      ["of another instance type", () => changed(run(), { InstanceType: "p5.48xlarge" }), world],
      ["from an AMI of another owner", run, () => ({ imageOwner: "111122223333" })],
      ["without the ManagedBy tag", () => managedByTagAs(run(), "Owner", MANAGED_BY), world],
      ["with another ManagedBy value", () => managedByTagAs(run(), MANAGED_BY_KEY, "someone-else"), world],
      ["with an unencrypted volume", () => changed(run(), { "BlockDeviceMapping.1.Ebs.Encrypted": "false" }), world],
      ["with IMDSv1", () => changed(run(), { "MetadataOptions.HttpTokens": "optional" }), world],
      ["with a public IP", () => changed(run(), { "NetworkInterface.1.AssociatePublicIpAddress": "true" }), world],
      [
        "without saying whether it gets a public IP",
        () => changed(run(), { "NetworkInterface.1.AssociatePublicIpAddress": undefined }),
        world,
      ],
    ])("RunInstances %s", async (_what, call, w) => {
      expect(await verdictOf(s(), call(), w())).toBe("refused");
    });

    it("RunInstances with a public IP is allowed when the setting asks for one, and then only with one", async () => {
      const withIp = scenario({}, { ...RECORDED.settings.create, ASSOCIATE_PUBLIC_IP_ADDRESS: "true" });
      const call = run();
      expect(await verdictOf(withIp, changed(call, { "NetworkInterface.1.AssociatePublicIpAddress": "true" }))).toBe(
        "allowed",
      );
      expect(await verdictOf(withIp, call)).toBe("refused");
    });

    it("RunInstances of the settings' own instance type and AMI owner is allowed", async () => {
      const other = scenario({}, { ...RECORDED.settings.create, INSTANCE_TYPE: "m5.large", AMI_OWNERS: "amazon" });
      const call = changed(run(), { InstanceType: "m5.large" });
      expect(await verdictOf(other, call, { imageOwner: "amazon" })).toBe("allowed");
      expect(await verdictOf(other, call, { imageOwner: CANONICAL_ACCOUNT_ID })).toBe("refused");
      expect(await verdictOf(other, run(), { imageOwner: "amazon" })).toBe("refused");
    });

    const unmanaged = { Name: "someone-elses" };
    const otherOwner = { Name: "x", [MANAGED_BY_KEY]: "someone-else" };
    it.each<[string, string, Readonly<Record<string, string>>]>([
      ["terminating an instance the app does not manage", "ec2:TerminateInstances", unmanaged],
      ["terminating an instance another tool manages", "ec2:TerminateInstances", otherOwner],
      ["stopping an instance the app does not manage", "ec2:StopInstances", unmanaged],
      ["tagging an instance the app does not manage", "ec2:CreateTags", unmanaged],
      ["untagging an instance the app does not manage", "ec2:DeleteTags", unmanaged],
      ["modifying an instance the app does not manage", "ec2:ModifyInstanceAttribute", unmanaged],
    ])("%s", async (_what, action, instanceTags) => {
      const call = RECORDED.calls.find((c) => c.action === action)!;
      const phase = call.phases[0];
      expect(await verdictOf(phaseScenario(phase), call)).toBe("allowed");
      expect(await verdictOf(phaseScenario(phase), call, { instanceTags })).toBe("refused");
    });

    it.each<[string, string, Readonly<Record<string, string | undefined>>]>([
      ["removing the ManagedBy tag", "ec2:DeleteTags", { "Tag.1.Key": MANAGED_BY_KEY, "Tag.1.Value": MANAGED_BY }],
      [
        "removing every tag at once (DeleteTags without keys)",
        "ec2:DeleteTags",
        { "Tag.1.Key": undefined, "Tag.1.Value": undefined },
      ],
      [
        "changing the ManagedBy tag's value",
        "ec2:CreateTags",
        { "Tag.1.Key": MANAGED_BY_KEY, "Tag.1.Value": "someone-else" },
      ],
      ["resizing to another instance type", "ec2:ModifyInstanceAttribute", { "InstanceType.Value": "p5.48xlarge" }],
      ["turning IMDSv1 back on", "ec2:ModifyInstanceMetadataOptions", { HttpTokens: "optional" }],
    ])("%s", async (_what, action, parameters) => {
      expect(await verdictOf(phaseScenario("change"), changed(recorded(action, "change"), parameters))).toBe("refused");
    });

    it("tagging a volume, even one tagged ManagedBy: tags are for instances only", async () => {
      const call = changed(recorded("ec2:CreateTags", "change"), { "ResourceId.1": "<volume id>" });
      const s = phaseScenario("change");
      expect(await verdictOf(s, call, { volumeTags: s.instanceTags })).toBe("refused");
    });

    it("ec2:ModifyVolume (a larger root volume on a running instance)", async () => {
      const model = modelOf(phaseScenario("change"));
      const call: ProviderCall = {
        action: "ec2:ModifyVolume",
        caller: "role",
        parameters: { VolumeId: "<volume id>", Size: "16" },
      };
      expect(await verdictOf(phaseScenario("change"), call)).toBe("refused");
      expect(model.authorizations(call)).toHaveLength(1);
    });

    it.each([
      ["iam:CreateUser", `arn:aws:iam::${DESTINATION_ACCOUNT}:user/intruder`],
      ["iam:AttachRolePolicy", `arn:aws:iam::${DESTINATION_ACCOUNT}:role/cdktf-assume-role-ec2`],
      ["iam:PassRole", `arn:aws:iam::${DESTINATION_ACCOUNT}:role/cdktf-assume-role-ec2`],
      ["iam:CreatePolicyVersion", `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/cdktf-assume-role-ec2-ec2-deployer`],
    ])("%s on %s", async (action, resource) => {
      expect(await direct(s(), { action, resource, context: { "aws:RequestedRegion": "us-east-1" } })).toBe("refused");
    });

    it("reads in another region", async () => {
      expect(await verdictOf(s(), recorded("ec2:DescribeInstances"), { region: "eu-west-1" })).toBe("refused");
    });
  });

  describe("docs/least-privilege.md", () => {
    it("lists every recorded call with its phases and the engine's verdict", async () => {
      // GIVEN the table of docs/least-privilege.md: | `action` | what it is for | steps | caller | verdict |
      const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "least-privilege.md"), "utf8");
      const row =
        /^\|\s*`([a-z0-9]+:[A-Za-z]+)`\s*\|[^|]+\|\s*([a-z, ]+?)\s*\|\s*(source|role)\s*\|\s*(allowed|refused|no permission needed)\s*\|$/;
      const documented = doc
        .split("\n")
        .map((line) => row.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map(([, action, phases, caller, verdict]) => `${action} ${phases} ${caller} ${verdict}`);

      // WHEN each recorded call is judged in each phase it was made in
      const judged: string[] = [];
      for (const call of RECORDED.calls) {
        const verdicts = new Set<string>();
        for (const phase of call.phases) verdicts.add(await recordedVerdict(call, phase));
        judged.push(`${call.action} ${call.phases.join(", ")} ${call.caller} ${[...verdicts].join("/")}`);
      }

      // THEN
      expect([...documented].sort()).toEqual([...judged].sort());
    });
  });
});

describe("the ManagedBy tag", () => {
  it("is one value, from constructs/shared/tags.ts, on the instance and in every condition of the policy", () => {
    const s = scenario({ permissions: "least-privilege" });
    expect(s.instanceTags[MANAGED_BY_KEY]).toBe(MANAGED_BY);
    const values = s.deployerPolicy!.Statement.flatMap((st) =>
      Object.values((st.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap((test) =>
        Object.entries(test)
          .filter(([key]) => key.endsWith(`Tag/${MANAGED_BY_KEY}`))
          .map(([, v]) => v),
      ),
    );
    expect(values.length).toBeGreaterThanOrEqual(4);
    expect(new Set(values)).toEqual(new Set([MANAGED_BY]));
  });
});
