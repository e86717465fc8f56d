/** Specs of the IAM statement reader shared by the policy rules (constructs/policy/iam-statements.ts). */
import { TerraformStack, TerraformVariable } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import {
  documentStatements,
  globRegExp,
  IamStatement,
  isDocumentReference,
  jsonStatements,
  literalText,
  permissionStatements,
  policyStatements,
} from "../../constructs/policy/iam-statements";
import { policySubject } from "../../constructs/policy/rule";
import { testApp } from "../helpers";

/** A statement as the reader returns it: these fields, the rest as a statement that sets nothing. */
function statement(fields: Partial<IamStatement> & { readonly position: number }): IamStatement {
  return {
    sid: undefined,
    effect: "Allow",
    actions: [],
    notActions: [],
    resources: [],
    notResources: [],
    principals: [],
    conditionCount: 0,
    conditionKeys: [],
    ...fields,
  };
}

/** A JSON policy with one statement. */
function jsonPolicy(st: Record<string, unknown>): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [st] });
}

function emptyStack(): TerraformStack {
  return new TerraformStack(testApp(), "stack");
}

/** The statements of the trust policy of a new role in the stack, read as the trust policy rules read them. */
function trustStatements(stack: TerraformStack, assumeRolePolicy: string): IamStatement[] | undefined {
  const role = new IamRole(stack, "Role", { name: "deployer", assumeRolePolicy });
  return policyStatements(role, policySubject(role)?.attributes.assume_role_policy);
}

describe("globRegExp", () => {
  test("GIVEN a pattern with *, ? and regex characters WHEN converted THEN they are wildcards and literals, matched case-insensitively", () => {
    // WHEN
    const re = globRegExp("s3:Get?bject*.x");
    // THEN
    expect(re).toStrictEqual(/^s3:Get.bject.*\.x$/i);
    expect(["S3:GETOBJECTVersion.X", "s3:GetObject.x", "s3:GetObjectAx"].map((a) => re.test(a))).toStrictEqual([
      true,
      true,
      false,
    ]);
  });
});

describe("literalText", () => {
  test("GIVEN a value with ${...} and %{...} expressions WHEN read THEN only the literal text remains", () => {
    expect(literalText("arn:${data.aws_partition.P.partition}:iam::%{ if x }123:root")).toStrictEqual(
      "arn::iam::123:root",
    );
  });
});

describe("documentStatements", () => {
  test("GIVEN statement blocks with odd values WHEN read THEN known strings are kept and defaults fill the rest", () => {
    // GIVEN
    const attributes = {
      statement: [
        {
          sid: "",
          actions: ["s3:GetObject", 5, null],
          not_actions: "s3:Put*",
          resources: "${var.bucket_arn}",
          not_resources: 7,
          principals: [{ identifiers: ["*"] }, null, { type: "AWS", identifiers: "arn:aws:iam::111111111111:root" }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] },
            { test: "Bool", values: ["true"] },
            null,
            { test: "StringEquals", variable: "${var.key}", values: ["x"] },
          ],
        },
        { sid: "Second", effect: "Deny" },
      ],
    };
    // WHEN
    const statements = documentStatements(attributes);
    // THEN
    expect(statements).toStrictEqual([
      statement({
        position: 1,
        actions: ["s3:GetObject"],
        notActions: ["s3:Put*"],
        principals: [
          { type: "", identifiers: ["*"] },
          { type: "", identifiers: [] },
          { type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] },
        ],
        conditionCount: 4,
        conditionKeys: ["aws:SourceAccount"],
      }),
      statement({ sid: "Second", position: 2, effect: "Deny" }),
    ]);
  });

  test("GIVEN a document without statement blocks WHEN read THEN there are no statements", () => {
    expect(documentStatements({})).toStrictEqual([]);
  });

  test("GIVEN a document with a dynamic block besides known statements WHEN read THEN its statements are unknown", () => {
    expect(documentStatements({ statement: [{ actions: ["s3:GetObject"] }], dynamic: { statement: {} } })).toBe(
      undefined,
    );
  });

  test("GIVEN statement blocks that are an expression WHEN read THEN its statements are unknown", () => {
    expect(documentStatements({ statement: "${var.statements}" })).toBe(undefined);
  });
});

describe("jsonStatements", () => {
  test.each(["not json", "5", '"text"', "null"])(
    "GIVEN %s, which is no JSON object, WHEN read THEN it is no JSON policy",
    (policy) => {
      expect(jsonStatements(policy)).toBe(undefined);
    },
  );

  test("GIVEN a JSON object without Statement WHEN read THEN there are no statements", () => {
    expect(jsonStatements("{}")).toStrictEqual([]);
  });

  test("GIVEN a single Statement object with Principal * and odd conditions WHEN read THEN it is one statement with the known condition keys", () => {
    // GIVEN
    const policy = JSON.stringify({
      Statement: {
        Sid: "One",
        Effect: "Deny",
        Action: "s3:*",
        Principal: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111", "${var.key}": "x" },
          Null: null,
          Bool: "ab",
        },
      },
    });
    // WHEN / THEN
    expect(jsonStatements(policy)).toStrictEqual([
      statement({
        sid: "One",
        position: 1,
        effect: "Deny",
        actions: ["s3:*"],
        principals: [{ type: "*", identifiers: ["*"] }],
        conditionCount: 3,
        conditionKeys: ["aws:SourceAccount"],
      }),
    ]);
  });

  test("GIVEN a statement whose Condition is an expression WHEN read THEN its conditions are unknown", () => {
    expect(
      jsonStatements(jsonPolicy({ Effect: "Allow", Action: "s3:GetObject", Condition: "${var.conditions}" })),
    ).toStrictEqual([statement({ position: 1, actions: ["s3:GetObject"], conditionCount: undefined })]);
  });
});

describe("permissionStatements", () => {
  const policy = jsonPolicy({ Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
  const read = statement({ sid: "Read", position: 1, actions: ["s3:GetObject"], resources: ["*"] });

  test.each(["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"])(
    "GIVEN an %s with a JSON policy WHEN read THEN its statements are returned",
    (type) => {
      expect(permissionStatements(type, { policy })).toStrictEqual([read]);
    },
  );

  test("GIVEN an IAM policy whose policy is no string WHEN read THEN there are no statements", () => {
    expect(permissionStatements("aws_iam_policy", { policy: [policy] })).toStrictEqual([]);
  });

  test("GIVEN a role with inline policies, one of them empty WHEN read THEN the statements of the others are returned", () => {
    expect(permissionStatements("aws_iam_role", { inline_policy: [null, { name: "read", policy }] })).toStrictEqual([
      read,
    ]);
  });

  test("GIVEN another resource type with inline policies WHEN read THEN there are no statements", () => {
    expect(permissionStatements("aws_iam_user", { inline_policy: [{ name: "read", policy }] })).toStrictEqual([]);
  });

  test("GIVEN a policy document merging JSON literals WHEN read THEN its own and the known literals' statements are returned", () => {
    // GIVEN
    const attributes = {
      statement: [{ sid: "Own", actions: ["s3:PutObject"], resources: ["*"] }],
      source_policy_documents: [
        policy,
        jsonPolicy({ Effect: "Allow", Action: "s3:*", Resource: "arn:${data.aws_partition.P.partition}:s3:::b" }),
        "${data.aws_iam_policy_document.Other.json}",
      ],
    };
    // WHEN / THEN
    expect(permissionStatements("data.aws_iam_policy_document", attributes)).toStrictEqual([
      statement({ sid: "Own", position: 1, actions: ["s3:PutObject"], resources: ["*"] }),
      read,
    ]);
  });
});

describe("isDocumentReference", () => {
  test.each([
    ["${data.aws_iam_policy_document.Doc.json}", true],
    ["${data.aws_iam_policy_document.Doc.minified_json}", true],
    ["x${data.aws_iam_policy_document.Doc.json}", false],
    ["${data.aws_iam_policy_document.Doc.json}x", false],
    [5, false],
  ])("GIVEN %p WHEN checked THEN it is %p", (policy, expected) => {
    expect(isDocumentReference(policy)).toBe(expected);
  });
});

describe("policyStatements", () => {
  const own = (sid: string) => ({ sid, actions: ["sts:AssumeRole"] });
  const ownRead = (sid: string, position: number) => statement({ sid, position, actions: ["sts:AssumeRole"] });

  test("GIVEN two documents WHEN the second is referenced THEN its statements are returned", () => {
    // GIVEN
    const stack = emptyStack();
    new DataAwsIamPolicyDocument(stack, "First", { statement: [own("First")] });
    const second = new DataAwsIamPolicyDocument(stack, "Second", { statement: [own("Second")] });
    // WHEN / THEN
    expect(trustStatements(stack, second.json)).toStrictEqual([ownRead("Second", 1)]);
  });

  test("GIVEN another data source named like the referenced document WHEN read THEN the statements are unknown", () => {
    // GIVEN
    const stack = emptyStack();
    new DataAwsCallerIdentity(stack, "Doc");
    // WHEN / THEN
    expect(trustStatements(stack, "${data.aws_iam_policy_document.Doc.json}")).toBe(undefined);
  });

  test("GIVEN a document with sources and overrides WHEN read THEN they are merged as the provider does", () => {
    // GIVEN
    const stack = emptyStack();
    const source = new DataAwsIamPolicyDocument(stack, "Source", { statement: [own("A"), own("B")] });
    const doc = new DataAwsIamPolicyDocument(stack, "Doc", {
      statement: [{ actions: ["s3:GetObject"] }, { sid: "B", actions: ["s3:PutObject"] }],
      sourcePolicyDocuments: [source.json, jsonPolicy({ Sid: "C", Effect: "Allow", Action: "s3:*" })],
      overridePolicyDocuments: [jsonPolicy({ Sid: "A", Effect: "Deny", Action: "s3:*" })],
    });
    // WHEN / THEN
    expect(trustStatements(stack, doc.json)).toStrictEqual([
      statement({ sid: "A", position: 1, effect: "Deny", actions: ["s3:*"] }),
      statement({ sid: "B", position: 2, actions: ["s3:PutObject"] }),
      statement({ sid: "C", position: 1, actions: ["s3:*"] }),
      statement({ position: 1, actions: ["s3:GetObject"] }),
    ]);
  });

  test("GIVEN a document with a source unknown until plan WHEN read THEN the statements are unknown", () => {
    // GIVEN
    const stack = emptyStack();
    const unknown = new TerraformVariable(stack, "Policy", { type: "string" });
    const doc = new DataAwsIamPolicyDocument(stack, "Doc", {
      statement: [own("Own")],
      sourcePolicyDocuments: [jsonPolicy({ Sid: "C", Effect: "Allow", Action: "s3:*" }), unknown.stringValue],
    });
    // WHEN / THEN
    expect(trustStatements(stack, doc.json)).toBe(undefined);
  });

  /** Documents D0 ... D(n-1), each with a statement and each but the last merging the next one. */
  function chainOf(n: number): { stack: TerraformStack; first: DataAwsIamPolicyDocument } {
    const stack = emptyStack();
    let next: DataAwsIamPolicyDocument | undefined;
    for (let i = n - 1; i >= 0; i--) {
      next = new DataAwsIamPolicyDocument(stack, `D${i}`, {
        statement: [own(`S${i}`)],
        sourcePolicyDocuments: next ? [next.json] : undefined,
      });
    }
    return { stack, first: next as DataAwsIamPolicyDocument };
  }

  test("GIVEN documents nested nine deep WHEN read THEN all their statements are returned", () => {
    // GIVEN
    const { stack, first } = chainOf(9);
    // WHEN / THEN
    expect(trustStatements(stack, first.json)).toStrictEqual(
      [8, 7, 6, 5, 4, 3, 2, 1, 0].map((i) => ownRead(`S${i}`, 1)),
    );
  });

  test("GIVEN documents nested ten deep WHEN read THEN the statements are unknown", () => {
    // GIVEN
    const { stack, first } = chainOf(10);
    // WHEN / THEN
    expect(trustStatements(stack, first.json)).toBe(undefined);
  });

  test("GIVEN a document that merges itself WHEN read THEN the statements are unknown", () => {
    // GIVEN
    const stack = emptyStack();
    const doc = new DataAwsIamPolicyDocument(stack, "Doc", { statement: [own("Own")] });
    doc.addOverride("source_policy_documents", [doc.json]);
    // WHEN / THEN
    expect(trustStatements(stack, doc.json)).toBe(undefined);
  });
});
