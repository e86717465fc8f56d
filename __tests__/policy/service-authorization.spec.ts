/** Specs of the Service Authorization Reference look-ups (constructs/policy/service-authorization.ts). */
import {
  conditionKeyMatches,
  isGlobalConditionKey,
  serviceActions,
  serviceExists,
} from "../../constructs/policy/service-authorization";

describe("serviceExists", () => {
  test("GIVEN service prefixes in any case WHEN looked up THEN only those of the reference exist", () => {
    // WHEN
    const exist = ["ec2", "EC2", "ecc2", ""].map(serviceExists);
    // THEN
    expect(exist).toEqual([true, true, false, false]);
  });
});

describe("serviceActions", () => {
  test("GIVEN a service read once WHEN its actions are looked up again in another case THEN the same actions are returned", () => {
    // GIVEN
    const first = serviceActions("ec2");
    // WHEN
    const again = serviceActions("EC2");
    // THEN
    expect(again).toBe(first);
  });

  test("GIVEN an unknown service WHEN its actions are looked up THEN there are none", () => {
    expect(serviceActions("ecc2")).toBeUndefined();
  });

  test("GIVEN an action on a resource type the service does not describe WHEN looked up THEN the type's ARN is * and it has only the action's keys", () => {
    // GIVEN access-analyzer names its resource type "Analyzer" but describes it as "analyzer"
    // WHEN
    const action = serviceActions("access-analyzer")?.get("applyarchiverule");
    // THEN
    expect(action).toEqual({
      name: "ApplyArchiveRule",
      conditionKeys: [],
      resourceTypes: [{ name: "Analyzer", arn: "*", conditionKeys: [] }],
    });
  });

  test("GIVEN an action on a described resource type without keys WHEN looked up THEN the type has the ARN of the reference and no keys", () => {
    // WHEN
    const types = serviceActions("ec2")?.get("runinstances")?.resourceTypes;
    // THEN
    expect(types?.find((t) => t.name === "elastic-inference")).toEqual({
      name: "elastic-inference",
      arn: "arn:${Partition}:elastic-inference:${Region}:${Account}:elastic-inference-accelerator/${AcceleratorId}",
      conditionKeys: [],
    });
  });
});

describe("isGlobalConditionKey", () => {
  test("GIVEN global keys in any case, with a tag key, WHEN checked THEN they are global", () => {
    // WHEN
    const global = [
      "aws:SourceIp",
      "AWS:sourceip",
      "aws:PrincipalTag/team",
      "aws:PrincipalTag/aws:ResourceTag/team",
    ].map(isGlobalConditionKey);
    // THEN
    expect(global).toEqual([true, true, true, true]);
  });

  test("GIVEN tag keys the reference lists per action, unknown keys and service keys WHEN checked THEN they are not global", () => {
    // WHEN
    const global = [
      "aws:RequestTag/team",
      "aws:ResourceTag/team",
      "aws:TagKeys",
      "AWS:tagkeys",
      "aws:PrincipalTag",
      "aws:SourceIpAddress",
      "ec2:InstanceType",
    ].map(isGlobalConditionKey);
    // THEN
    expect(global).toEqual([false, false, false, false, false, false, false]);
  });
});

describe("conditionKeyMatches", () => {
  test("GIVEN templates with and without variables WHEN matched THEN keys match them case-insensitively and literally", () => {
    // WHEN
    const matches = [
      conditionKeyMatches("aws:RequestTag/${TagKey}", "aws:RequestTag/team"),
      conditionKeyMatches("aws:RequestTag/${TagKey}", "aws:RequestTag/"),
      conditionKeyMatches("ec2:InstanceType", "EC2:instancetype"),
      conditionKeyMatches("ec2:InstanceType", "ec2:InstanceTypes"),
      conditionKeyMatches("s3:x-amz-server-side-encryption.algorithm", "s3:x-amz-server-side-encryption.algorithm"),
      conditionKeyMatches("s3:x-amz-server-side-encryption.algorithm", "s3:x-amz-server-side-encryptionXalgorithm"),
    ];
    // THEN
    expect(matches).toEqual([true, false, true, false, true, false]);
  });
});
