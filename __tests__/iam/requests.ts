/**
 * What AWS authorizes for a call of the AWS provider: the request model of the IAM evaluation
 * specs. A recorded call (scripts/lib/provider-calls.ts) names an action and its request
 * parameters; AWS authorizes it once per resource it touches (RunInstances: the instance, its
 * volume, network interface, image, subnet and security group, and each tag set at launch as
 * ec2:CreateTags), each time with a request context of condition keys. This file builds those
 * authorizations from the parameters, with the condition keys the Service Authorization
 * Reference lists for the action and resource type and the values the parameters give them.
 *
 * A call of an action this model does not know fails the specs: a new call of the provider
 * needs its model here before its verdict can be trusted.
 */
import { parameterTree, ParameterTree as Tree, ProviderCall } from "../../scripts/lib/provider-calls";
import { Authorization } from "./simulate";

/** The ids and properties of the resources the recorded calls refer to, and where they are. */
export interface World {
  readonly partition: string;
  /** The region the calls are sent to. */
  readonly region: string;
  /** The destination account: where the role, the instance and its resources are. */
  readonly account: string;
  readonly roleArn: string;
  readonly availabilityZone: string;
  /** Values of the placeholders of the recorded parameters (`<instance id>`). */
  readonly ids: Readonly<Record<string, string>>;
  /** The VPC of the subnet and of the default security group. */
  readonly vpcId: string;
  /** The security group RunInstances uses when the request names none: the VPC's default. */
  readonly defaultSecurityGroupId: string;
  /** The volume RunInstances creates from the AMI's root device. */
  readonly rootVolumeId: string;
  /** The network interface RunInstances creates. */
  readonly networkInterfaceId: string;
  /** Owner of the AMI (`ec2:Owner`): an account id, or `amazon` for Amazon's own. */
  readonly imageOwner: string;
  /** Tags of the instance the later calls act on (`aws:ResourceTag/<key>`). */
  readonly instanceTags: Readonly<Record<string, string>>;
  /** Tags of its root volume (the app sets none). */
  readonly volumeTags: Readonly<Record<string, string>>;
  /** The instance's current type and metadata options (instance keys of later calls). */
  readonly instanceType: string;
  readonly httpTokens: string;
  /** The source principal's own context (MFA, organization), for sts:AssumeRole. */
  readonly sourceContext: Readonly<Record<string, string | readonly string[]>>;
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const items = (value: unknown): Tree[] => (Array.isArray(value) ? value.filter((v) => v !== undefined) : []);
const values = (value: unknown): string[] => items(value).map((v) => str(v.value) ?? "");

/** `aws:RequestTag/<key>` and `aws:TagKeys` of tags given as `[{ Key, Value }]`. */
function requestTags(tags: Tree[]): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const tag of tags) context[`aws:RequestTag/${str(tag.Key)}`] = str(tag.Value) ?? "";
  if (tags.length > 0) context["aws:TagKeys"] = tags.map((t) => str(t.Key) ?? "");
  return context;
}

function resourceTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}

/** Builds the authorizations of the calls of one world. */
export class RequestModel {
  constructor(readonly world: World) {}

  /** The value of a recorded parameter, with its placeholder replaced. */
  private id(value: string | undefined): string {
    if (value === undefined) throw new Error("a recorded call lacks a parameter the model needs");
    return this.world.ids[value] ?? value;
  }

  private arn(type: string, id: string, account = this.world.account): string {
    const { partition, region } = this.world;
    return `arn:${partition}:ec2:${region}:${account}:${type}/${id}`;
  }

  /** Keys every EC2 authorization carries. */
  private base(): Record<string, string> {
    return { "aws:RequestedRegion": this.world.region, "ec2:Region": this.world.region };
  }

  /** An existing instance as the resource of a call: its ARN, tags and properties. */
  private existingInstance(id: string, extra: Record<string, string | string[]> = {}): Authorization {
    const w = this.world;
    return {
      action: "",
      resource: this.arn("instance", id),
      context: {
        ...this.base(),
        ...resourceTags(w.instanceTags),
        "ec2:InstanceType": w.instanceType,
        "ec2:MetadataHttpTokens": w.httpTokens,
        "ec2:AvailabilityZone": w.availabilityZone,
        "ec2:RootDeviceType": "ebs",
        "ec2:Tenancy": "default",
        ...extra,
      },
    };
  }

  /** The resource named by an id, by its prefix. */
  private resourceById(id: string): { type: string; tags: Readonly<Record<string, string>> } {
    if (id.startsWith("i-")) return { type: "instance", tags: this.world.instanceTags };
    if (id.startsWith("vol-")) return { type: "volume", tags: this.world.volumeTags };
    throw new Error(`no model of a resource with id ${id}`);
  }

  /**
   * Every authorization of a call, or undefined for a call that needs no permission
   * (sts:GetCallerIdentity). The caller of the `role` calls is the assumed role; of `source`
   * calls, the source principal.
   */
  authorizations(call: ProviderCall): Authorization[] | undefined {
    const p = parameterTree(call.parameters);
    const w = this.world;
    const on = (action: string, a: Authorization): Authorization => ({ ...a, action });
    switch (call.action) {
      case "sts:GetCallerIdentity":
        return undefined;
      case "sts:AssumeRole": {
        const tags = items(p.Tags && (p.Tags as Tree).member);
        const context: Record<string, string | readonly string[]> = {
          ...w.sourceContext,
          "sts:RoleSessionName": str(p.RoleSessionName) ?? "",
          ...requestTags(tags),
        };
        if (p.ExternalId !== undefined) context["sts:ExternalId"] = str(p.ExternalId)!;
        if (p.SourceIdentity !== undefined) context["sts:SourceIdentity"] = str(p.SourceIdentity)!;
        const role = this.id(str(p.RoleArn));
        const result: Authorization[] = [{ action: "sts:AssumeRole", resource: role, context }];
        if (tags.length > 0) result.push({ action: "sts:TagSession", resource: role, context });
        if (p.SourceIdentity !== undefined) result.push({ action: "sts:SetSourceIdentity", resource: role, context });
        return result;
      }
      case "ec2:DescribeImages":
      case "ec2:DescribeSubnets":
      case "ec2:DescribeInstances":
      case "ec2:DescribeInstanceCreditSpecifications":
      case "ec2:DescribeInstanceTypes":
      case "ec2:DescribeInstanceTypeOfferings":
      case "ec2:DescribeTags":
      case "ec2:DescribeVolumes":
      case "ec2:DescribeVpcs":
        // No resource-level permissions (the Service Authorization Reference lists no resource type).
        return [{ action: call.action, resource: "*", context: this.base() }];
      case "ec2:DescribeInstanceAttribute":
        return [on(call.action, this.existingInstance(this.id(str(p.InstanceId))))];
      case "ec2:GetInstanceUefiData":
        // The aws_ami data source passes the AMI's id as the instance id.
        return [on(call.action, this.existingInstance(this.id(str(p.InstanceId))))];
      case "ec2:RunInstances":
        return this.runInstances(p);
      case "ec2:CreateTags":
      case "ec2:DeleteTags":
        return values(p.ResourceId).map((raw) => {
          const id = this.id(raw);
          const { type, tags } = this.resourceById(id);
          const given = items(p.Tag);
          const keys = call.action === "ec2:CreateTags" ? requestTags(given) : tagKeysOnly(given);
          return {
            action: call.action,
            resource: this.arn(type, id),
            context: { ...this.base(), ...resourceTags(tags), ...keys },
          };
        });
      case "ec2:StopInstances":
      case "ec2:StartInstances":
      case "ec2:TerminateInstances":
        return values(p.InstanceId).map((id) => on(call.action, this.existingInstance(this.id(id))));
      case "ec2:ModifyInstanceAttribute": {
        // One attribute per call: `InstanceType.Value=t3.micro`, or `Attribute=...&Value=...`.
        const attributes: Record<string, string> = {};
        for (const [name, value] of Object.entries(p)) {
          if (name === "InstanceId") continue;
          if (name === "Attribute") attributes[`ec2:Attribute/${upperFirst(str(value)!)}`] = str(p.Value) ?? "";
          else if (name !== "Value") attributes[`ec2:Attribute/${name}`] = str((value as Tree).Value) ?? "";
        }
        return [on(call.action, this.existingInstance(this.id(str(p.InstanceId)), attributes))];
      }
      case "ec2:ModifyVolume": {
        const id = this.id(str(p.VolumeId));
        const attributes: Record<string, string> = {};
        for (const name of ["Size", "VolumeType", "Iops", "Throughput"]) {
          if (typeof p[name] === "string") attributes[`ec2:Attribute/${name}`] = p[name] as string;
        }
        return [
          {
            action: call.action,
            resource: this.arn("volume", id),
            context: {
              ...this.base(),
              ...resourceTags(w.volumeTags),
              "ec2:Encrypted": "true",
              "ec2:AvailabilityZone": w.availabilityZone,
              ...attributes,
            },
          },
        ];
      }
      case "ec2:ModifyInstanceMetadataOptions": {
        const attributes: Record<string, string> = {};
        for (const [name, value] of Object.entries(p)) {
          if (name !== "InstanceId") attributes[`ec2:Attribute/${name}`] = str(value) ?? "";
        }
        return [on(call.action, this.existingInstance(this.id(str(p.InstanceId)), attributes))];
      }
      default:
        throw new Error(
          `no request model of ${call.action}: add one to __tests__/iam/requests.ts (its resource types and ` +
            "condition keys are in the Service Authorization Reference) before trusting its verdict",
        );
    }
  }

  /** RunInstances: one authorization per resource, and ec2:CreateTags for each tag specification. */
  private runInstances(p: Tree): Authorization[] {
    const w = this.world;
    const base = this.base();
    const instanceId = w.ids["<new instance id>"] ?? "i-0new0000000000000";
    const specs = items(p.TagSpecification);
    const tagsOf = (type: string): Tree[] => specs.filter((s) => s.ResourceType === type).flatMap((s) => items(s.Tag));
    const metadata = (p.MetadataOptions ?? {}) as Tree;
    const nic = items(p.NetworkInterface)[0] ?? {};
    const subnetId = this.id(str(nic.SubnetId) ?? str(p.SubnetId));
    const optional = (key: string, value: unknown): Record<string, string> =>
      typeof value === "string" ? { [key]: value } : {};
    const zone = { "ec2:AvailabilityZone": w.availabilityZone };

    const instance: Authorization = {
      action: "ec2:RunInstances",
      resource: this.arn("instance", instanceId),
      context: {
        ...base,
        ...zone,
        ...requestTags(tagsOf("instance")),
        ...optional("ec2:InstanceType", p.InstanceType),
        ...optional("ec2:MetadataHttpTokens", metadata.HttpTokens),
        ...optional("ec2:MetadataHttpEndpoint", metadata.HttpEndpoint),
        ...optional("ec2:MetadataHttpPutResponseHopLimit", metadata.HttpPutResponseHopLimit),
        ...optional("ec2:EbsOptimized", p.EbsOptimized),
        "ec2:RootDeviceType": "ebs",
        "ec2:Tenancy": "default",
      },
    };
    const volumes: Authorization[] = items(p.BlockDeviceMapping).map((mapping) => {
      const ebs = (mapping.Ebs ?? {}) as Tree;
      return {
        action: "ec2:RunInstances",
        resource: this.arn("volume", w.rootVolumeId),
        context: {
          ...base,
          ...zone,
          ...requestTags(tagsOf("volume")),
          ...optional("ec2:Encrypted", ebs.Encrypted),
          ...optional("ec2:VolumeSize", ebs.VolumeSize),
          ...optional("ec2:VolumeType", ebs.VolumeType),
        },
      };
    });
    const networkInterface: Authorization = {
      action: "ec2:RunInstances",
      resource: this.arn("network-interface", w.networkInterfaceId),
      context: {
        ...base,
        ...zone,
        ...requestTags(tagsOf("network-interface")),
        ...optional("ec2:AssociatePublicIpAddress", nic.AssociatePublicIpAddress),
        "ec2:Subnet": this.arn("subnet", subnetId),
        "ec2:Vpc": this.arn("vpc", w.vpcId),
      },
    };
    const imageId = this.id(str(p.ImageId));
    const image: Authorization = {
      action: "ec2:RunInstances",
      // An image's ARN names no account.
      resource: this.arn("image", imageId, ""),
      context: {
        ...base,
        "ec2:Owner": w.imageOwner,
        "ec2:ImageID": imageId,
        "ec2:ImageType": "machine",
        "ec2:Public": "true",
        "ec2:RootDeviceType": "ebs",
      },
    };
    const subnet: Authorization = {
      action: "ec2:RunInstances",
      resource: this.arn("subnet", subnetId),
      context: { ...base, ...zone, "ec2:SubnetID": subnetId, "ec2:Vpc": this.arn("vpc", w.vpcId) },
    };
    const groups = values(nic.SecurityGroupId).length > 0 ? values(nic.SecurityGroupId) : [w.defaultSecurityGroupId];
    const securityGroups: Authorization[] = groups.map((raw) => {
      const id = this.id(raw);
      return {
        action: "ec2:RunInstances",
        resource: this.arn("security-group", id),
        context: { ...base, "ec2:SecurityGroupID": id, "ec2:Vpc": this.arn("vpc", w.vpcId) },
      };
    });
    const tagOnCreate: Authorization[] = specs.map((spec) => {
      const type = str(spec.ResourceType)!;
      const resource = type === "instance" ? instance.resource : type === "volume" ? volumes[0]?.resource : undefined;
      if (!resource) throw new Error(`no model of tags on a new ${type}`);
      return {
        action: "ec2:CreateTags",
        resource,
        context: { ...base, "ec2:CreateAction": "RunInstances", ...requestTags(items(spec.Tag)) },
      };
    });
    return [instance, ...volumes, networkInterface, image, subnet, ...securityGroups, ...tagOnCreate];
  }
}

/** DeleteTags names keys (and optionally values to match): `aws:TagKeys` only; none means every tag. */
function tagKeysOnly(tags: Tree[]): Record<string, string[]> {
  return tags.length > 0 ? { "aws:TagKeys": tags.map((t) => str(t.Key) ?? "") } : {};
}

function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
