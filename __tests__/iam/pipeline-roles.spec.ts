/**
 * The pipeline's roles as docs/pipelines.md shows them: the trust examples admit the subjects
 * GitHub gives both jobs (plans `pull_request`, applies `environment:TARGET`) and nothing else of
 * the repository or of another one, and the plan role's permissions, under the IAM policy engine,
 * let `cdktf diff` read the state and take its lock, and nothing more.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyJson } from "./policy-json";
import { evaluate } from "./simulate";

const DOC = path.join(__dirname, "..", "..", "docs", "pipelines.md");
const SUB = "token.actions.githubusercontent.com:sub";
const AUD = "token.actions.githubusercontent.com:aud";
const BUCKET = "example-cdktf-state";
const PREFIX = "cdktf-assume-role";
const PLAN_ROLE_SESSION = "arn:aws:sts::111111111111:assumed-role/github-plan/GitHubActions";

type Statement = Readonly<Record<string, unknown>>;

/** Every JSON block of the document, parsed. */
function jsonBlocks(): unknown[] {
  const text = fs.readFileSync(DOC, "utf8");
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);
}

/** The trust statements: those that allow sts:AssumeRoleWithWebIdentity. */
function trustStatements(): Statement[] {
  return jsonBlocks().filter((b): b is Statement => (b as Statement).Action === "sts:AssumeRoleWithWebIdentity");
}

/** The permissions policies: whole policies with a Version. */
function policies(): PolicyJson[] {
  return jsonBlocks().filter((b): b is PolicyJson => typeof (b as PolicyJson).Version === "string");
}

/** Whether a trust statement admits a token with this subject (StringEquals and StringLike, as IAM reads them). */
function admits(statement: Statement, sub: string): boolean {
  const condition = statement.Condition as Record<string, Record<string, string | string[]>>;
  const values = (test: string, key: string): string[] | undefined => {
    const v = condition[test]?.[key];
    return v === undefined ? undefined : Array.isArray(v) ? v : [v];
  };
  const like = (pattern: string, value: string): boolean =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    ).test(value);
  if (!(values("StringEquals", AUD) ?? []).includes("sts.amazonaws.com")) return false;
  const equals = values("StringEquals", SUB);
  const likes = values("StringLike", SUB);
  if (equals === undefined && likes === undefined) return false; // no subject pinned: refused here on purpose
  return (equals ?? []).includes(sub) || (likes ?? []).some((p) => like(p, sub));
}

describe("the pipeline's roles of docs/pipelines.md", () => {
  it.each([
    ["a pull request's plan", "repo:acme/infra:pull_request"],
    ["the staging apply", "repo:acme/infra:environment:staging"],
    ["the prod apply", "repo:acme/infra:environment:prod"],
  ])("let %s in (%s)", (_, sub) => {
    expect(trustStatements().filter((s) => admits(s, sub))).toHaveLength(1);
  });

  it.each([
    ["a push to a branch", "repo:acme/infra:ref:refs/heads/feature"],
    ["another repository's pull request", "repo:other/infra:pull_request"],
    ["another repository's environment", "repo:other/infra:environment:prod"],
  ])("keep %s out (%s)", (_, sub) => {
    expect(trustStatements().length).toBeGreaterThan(0);
    expect(trustStatements().filter((s) => admits(s, sub))).toEqual([]);
  });

  describe("the plan role's permissions under the IAM policy engine", () => {
    const plan = (): PolicyJson => {
      const found = policies();
      expect(found).toHaveLength(1);
      return found[0];
    };
    const verdict = (action: string, resource: string) =>
      evaluate({ arn: PLAN_ROLE_SESSION, identityPolicies: [plan()] }, { action, resource, context: {} });

    it.each([
      ["s3:ListBucket", `arn:aws:s3:::${BUCKET}`],
      ["s3:GetObject", `arn:aws:s3:::${BUCKET}/${PREFIX}/iam-stack.tfstate`],
      ["s3:GetObject", `arn:aws:s3:::${BUCKET}/${PREFIX}/ec2-stack.tfstate`],
      ["s3:PutObject", `arn:aws:s3:::${BUCKET}/${PREFIX}/iam-stack.tfstate.tflock`],
      ["s3:DeleteObject", `arn:aws:s3:::${BUCKET}/${PREFIX}/iam-stack.tfstate.tflock`],
      ["s3:PutObject", `arn:aws:s3:::${BUCKET}/${PREFIX}/ec2-stack.tfstate.tflock`],
      ["s3:DeleteObject", `arn:aws:s3:::${BUCKET}/${PREFIX}/ec2-stack.tfstate.tflock`],
    ])("allow what cdktf diff does: %s on %s", async (action, resource) => {
      expect(await verdict(action, resource)).toBe("allowed");
    });

    it.each([
      ["s3:PutObject", `arn:aws:s3:::${BUCKET}/${PREFIX}/iam-stack.tfstate`],
      ["s3:DeleteObject", `arn:aws:s3:::${BUCKET}/${PREFIX}/iam-stack.tfstate`],
      ["s3:PutObject", `arn:aws:s3:::${BUCKET}/other/iam-stack.tfstate.tflock`],
    ])("refuse what would change a state: %s on %s", async (action, resource) => {
      expect(await verdict(action, resource)).toBe("refused");
    });
  });
});
