/**
 * `permissionsBoundaryArn` under an IAM policy engine: the boundary caps what the role's own
 * policy allows. The boundary's content is the user's (a policy of their account), so the spec
 * supplies one; what it checks is that the synthesized role carries it and that a call the
 * least-privilege policy allows is refused once the boundary does not allow it.
 */
import { DESTINATION_ACCOUNT } from "../helpers";
import { loadRecordedCalls, Phase, RecordedCall } from "../../scripts/lib/provider-calls";
import { PolicyJson } from "./policy-json";
import { modelOf, roleSession, scenario } from "./scenario";
import { evaluateAll } from "./simulate";

const RECORDED = loadRecordedCalls();
const BOUNDARY_ARN = `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/NoTerminate`;

/** A boundary that lets the role read and launch, but not stop, start or terminate anything. */
const NO_TERMINATE: PolicyJson = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["ec2:Describe*", "ec2:RunInstances", "ec2:CreateTags"], Resource: "*" }],
};

/** A boundary that allows everything: it caps nothing. */
const ALLOW_ALL: PolicyJson = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

function call(action: string): { call: RecordedCall; phase: Phase } {
  const found = RECORDED.calls.find((c) => c.action === action)!;
  return { call: found, phase: found.phases[0] };
}

/** The role's verdict on a recorded call, in the settings of its phase plus the boundary setting. */
async function verdict(action: string, boundary: PolicyJson | undefined): Promise<string> {
  const { call: recorded, phase } = call(action);
  const s = scenario({}, { ...RECORDED.settings[phase], PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN });
  expect(s.permissionsBoundaryArn).toBe(BOUNDARY_ARN);
  return evaluateAll(roleSession(s, boundary), modelOf(s).authorizations(recorded)!);
}

describe("permissions boundary under the IAM policy engine", () => {
  it.each([
    ["ec2:TerminateInstances", "refused"],
    ["ec2:StopInstances", "refused"],
    ["ec2:DescribeInstances", "allowed"],
    ["ec2:RunInstances", "allowed"],
  ])("with a boundary that does not allow termination, %s is %s", async (action, expected) => {
    expect(await verdict(action, NO_TERMINATE)).toBe(expected);
  });

  it.each(["ec2:TerminateInstances", "ec2:StopInstances", "ec2:RunInstances"])(
    "%s is allowed without the boundary, and with one that allows everything",
    async (action) => {
      expect(await verdict(action, undefined)).toBe("allowed");
      expect(await verdict(action, ALLOW_ALL)).toBe("allowed");
    },
  );

  it("a boundary grants nothing itself: what the role's policy does not allow stays refused", async () => {
    const s = scenario({}, { ...RECORDED.settings.create, PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN });
    const attach = {
      action: "iam:AttachRolePolicy",
      resource: s.roleArn,
      context: { "aws:RequestedRegion": "us-east-1" },
    };
    expect(await evaluateAll(roleSession(s, ALLOW_ALL), [attach])).toBe("refused");
  });
});
