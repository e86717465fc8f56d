/**
 * The unit suite: the tests of every construct, stack, policy rule and setting, one spec file
 * each (`*.spec.ts`), run by jest as this one test file.
 *
 * Why one test file: jest gives every test file its own module registry, so every file loads
 * cdktf (about 380 modules) and the provider's modules anew. With one test file per spec that
 * was two thirds of the suite's time and memory (6.5 s and 490 MB for 18 files; 2 s and 200 MB
 * as one; bench/ measures it). The price is that spec files share modules and globals: they
 * must not mock modules or change the environment (lint forbids `jest.mock` and friends).
 *
 * To run the tests of one construct: `npm run test:unit -- -t CrossAccountRole`.
 */
import * as fs from "fs";
import * as path from "path";
import "./app.spec";
import "./assumed-role-provider.spec";
import "./cdktf-output.spec";
import "./config.spec";
import "./cross-account-role.spec";
import "./ec2-deployer-policy.spec";
import "./ec2-stack.spec";
import "./fault-proxy.spec";
import "./hardened-instance.spec";
import "./iam-stack.spec";
import "./iam/least-privilege.spec";
import "./iam/permissions-boundary.spec";
import "./iam/trust-policy.spec";
import "./policy/ebs-volume-encrypted.spec";
import "./policy/iam-actions-exist-and-condition-keys-apply.spec";
import "./policy/iam-no-wildcard-action-on-all-resources.spec";
import "./policy/iam-statements.spec";
import "./policy/instance-no-public-ip.spec";
import "./policy/instance-requires-imdsv2.spec";
import "./policy/instance-root-volume-encrypted.spec";
import "./policy/policy-checks.spec";
import "./policy/rule.spec";
import "./policy/service-authorization.spec";
import "./policy/suppressions.spec";
import "./policy/trust-policy-account-root-needs-condition.spec";
import "./policy/trust-policy-no-wildcard-principal.spec";
import "./prerequisites.spec";
import "./readme.spec";
import "./role-ready-wait.spec";
import "./settings-docs.spec";
import "./stack-command.spec";
import "./terraform-cli-config.spec";
import "./token-traces.spec";
import "./workflow.spec";

describe("the unit suite", () => {
  it("runs every spec file under __tests__", () => {
    // GIVEN
    const onDisk = fs
      .readdirSync(__dirname, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".spec.ts"))
      .map((file) => file.split(path.sep).join("/").replace(/\.ts$/, ""));

    // WHEN
    const imported = [...fs.readFileSync(__filename, "utf8").matchAll(/^import "\.\/(.+\.spec)";$/gm)].map((m) => m[1]);

    // THEN
    expect(imported).toEqual([...onDisk].sort());
  });
});
