/**
 * AWS's rules for names and ids (constructs/shared/aws-names.ts), read directly: the settings and
 * the constructs both check values against them, so each rule is pinned here at its edges.
 */
import {
  AMI_ID,
  isArm64InstanceType,
  partitionOfRegion,
  SECURITY_GROUP_ID,
  SUBNET_ID,
} from "../constructs/shared/aws-names";

describe("partitionOfRegion", () => {
  it.each([
    ["us-east-1", "aws"],
    ["eu-central-2", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
    ["eu-isoe-west-1", "aws-iso-e"],
    ["us-isof-south-1", "aws-iso-f"],
    // Names that only look like special regions: the marker must follow the two-letter prefix at the start.
    ["xx-east-us-gov-1", "aws"],
    ["xx-east-us-iso-1", "aws"],
    ["u-iso-east-1", "aws"],
    ["us-isoab-east-1", "aws"],
    ["12-iso-east-1", "aws"],
    ["us-iso1-east-1", "aws"],
  ])("puts %s in %s", (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});

describe("isArm64InstanceType", () => {
  it.each([
    ["a1.large", true],
    ["t4g.micro", true],
    ["m6gd.xlarge", true],
    ["c7gn.large", true],
    ["im4gn.large", true],
    ["g5g.xlarge", true],
    ["t3.micro", false],
    ["t2.micro", false],
    ["g4dn.xlarge", false],
    ["mac2.metal", false],
    ["a2.large", false],
    ["m1.small", false],
    ["c5.large", false],
    ["x1e.xlarge", false],
    // A generation of more than one digit, then `g`: still Graviton.
    ["z12g.large", true],
    // Not an instance type: no family letters at the start, or no size.
    ["1a1.large", false],
    ["t4g", false],
  ])("%s: %s", (instanceType, arm64) => {
    expect(isArm64InstanceType(instanceType)).toBe(arm64);
  });
});

describe("ids of EC2 resources: the prefix and 8 or 17 hex digits, nothing before or after", () => {
  it.each([
    [AMI_ID, "ami", "ami-0123abcd", "ami-0123456789abcdef0"],
    [SUBNET_ID, "subnet", "subnet-0123abcd", "subnet-0123456789abcdef0"],
    [SECURITY_GROUP_ID, "sg", "sg-0123abcd", "sg-0123456789abcdef0"],
  ])("%s", (pattern, prefix, short, long) => {
    expect(pattern.test(short)).toBe(true);
    expect(pattern.test(long)).toBe(true);
    for (const wrong of [
      `x${short}`,
      `${short}x`,
      `${short} `,
      ` ${long}`,
      `${long}0`,
      `${prefix}-0123abc`,
      `${prefix}-0123ABCD`,
      `${prefix}-0123456789abcdef`,
      `other-${long}`,
    ]) {
      expect({ value: wrong, matches: pattern.test(wrong) }).toEqual({ value: wrong, matches: false });
    }
  });
});
