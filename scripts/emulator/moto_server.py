"""Starts moto's server with the corrections this project needs to match real AWS.

Each correction below fixes a place where moto answers differently from AWS in a way the
AWS provider notices. Without it, the emulator would make a correct configuration look
wrong (or the other way round). Arguments are passed to moto_server unchanged.
"""

import json
import sys
from datetime import datetime
from fnmatch import fnmatchcase

from moto.ec2.models import amis
from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ec2.models.instances import Instance
from moto.ec2.responses.amis import AmisResponse
from moto.iam.access_control import IAMPolicy, IAMPolicyStatement, PermissionResult
from moto.s3.exceptions import S3AccessDeniedError
from moto.s3.models import FakeBucket
from moto.s3.responses import S3Response
from moto.server import main

_association = NetworkInterface.association.fget


def _association_or_none(self):
    # AWS omits <association> from a network interface that has no public IP. moto sends an
    # empty element, which the AWS provider reads as "has a public IP": an instance launched
    # with associate_public_ip_address = false would then be replaced on every plan.
    association = _association(self)
    return association or None


NetworkInterface.association = property(_association_or_none)

_check_element_matches = IAMPolicyStatement._check_element_matches


def _any_resource_when_unknown(self, statement_element, value):
    # With IAM enforced, moto checks most calls (every EC2 call among them) against the resource
    # "*", because it does not work out which resources a request names. AWS checks the real
    # ARNs, and least privilege names them (arn:aws:ec2:<region>:<account>:instance/*): moto
    # would refuse every such call that AWS allows. A request whose resource moto does not know
    # therefore matches any Resource, as it already meets any Condition; docs/emulator-iam.md.
    if statement_element == "Resource" and value == "*":
        return True
    return _check_element_matches(self, statement_element, value)


IAMPolicyStatement._check_element_matches = _any_resource_when_unknown


def _canonical_noble_gp3(ami_id, build, creation_date):
    name = f"ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-{build}"
    return {
        "ami_id": ami_id,
        "state": "available",
        "public": True,
        "owner_id": "099720109477",
        "image_location": f"099720109477/{name}",
        "sriov": "simple",
        "root_device_type": "ebs",
        "root_device_name": "/dev/sda1",
        "description": "Canonical, Ubuntu, 24.04, amd64 noble image",
        "image_type": "machine",
        "platform": None,
        "architecture": "x86_64",
        "name": name,
        "virtualization_type": "hvm",
        "hypervisor": "xen",
        "creation_date": creation_date,
    }


# moto's catalogue of public images, which every account's EC2 backend loads when it is created,
# holds Canonical's Ubuntu only up to 16.04, under ubuntu/images/hvm-ssd/. AWS has Canonical's
# current LTS under ubuntu/images/hvm-ssd-gp3/, which the app looks up by default: without these
# the default lookup finds no image and ec2-stack cannot be planned. Two builds, so that the
# lookup's most_recent has to choose, by creation date as on AWS (moto gives an entry without one
# the time its backend was created, the same for every such image). moto matches the Owners
# parameter against the owner id or the alias, and sets the alias "amazon" on every catalogue
# entry, so Owners=["099720109477"] finds these (as would "amazon", which on AWS it would not).
amis.AMIS.extend(
    [
        _canonical_noble_gp3("ami-0a1f3c5e7b9d2f416", "20250821", "2025-08-21T07:41:12.000Z"),
        _canonical_noble_gp3("ami-0c7e2b4d6f8a1e395", "20251001", "2025-10-01T06:12:47.000Z"),
    ]
)

_parse_timestamp = amis.parse_timestamp


def _parse_timestamp_once(value):
    # moto's loader writes the parsed creation date back into the shared catalogue entry, so the
    # next backend to load the catalogue (a second account or region) would parse a datetime,
    # and fail: the first entries with a creation date are the ones above.
    return value if isinstance(value, datetime) else _parse_timestamp(value)


amis.parse_timestamp = _parse_timestamp_once

_register_image = AmisResponse.register_image


def _register_image_as_described(self):
    # moto's RegisterImage keeps only the name and description of the image: every registered
    # image has no virtualization type, so a lookup that filters on virtualization-type=hvm, as
    # the app's does, never finds one. AWS keeps what the request says, with its defaults for what
    # it leaves out (paravirtual, i386), and an image whose root device is an EBS mapping is
    # EBS-backed.
    result = _register_image(self)
    image = self.ec2_backend.amis[result.result["ImageId"]]
    image.virtualization_type = self._get_param("VirtualizationType", "paravirtual")
    image.architecture = self._get_param("Architecture", "i386")
    image.root_device_name = self._get_param("RootDeviceName", image.root_device_name)
    mappings = self._get_param("BlockDeviceMappings", [])
    if any(m.get("DeviceName") == image.root_device_name and m.get("Ebs") for m in mappings):
        image.root_device_type = "ebs"
    return result


AmisResponse.register_image = _register_image_as_described

_prep_nics = Instance.prep_nics


def _prep_nics_sharing_groups(self, *args, **kwargs):
    # On AWS an instance's security groups are those of its primary network interface. moto puts
    # on the instance only the groups of RunInstances' SecurityGroupId, and those of
    # NetworkInterface.1.SecurityGroupId (or the VPC's default group) only on the interface: the
    # AWS provider sends the latter when it launches into a subnet with associate_public_ip_address
    # set, as the app does, and DescribeInstances would then show no group, so that every plan
    # would put vpc_security_group_ids back.
    _prep_nics(self, *args, **kwargs)
    primary = self.nics.get(0)
    if not self.security_groups and primary is not None:
        self.security_groups = list(primary.group_set)


Instance.prep_nics = _prep_nics_sharing_groups

_key_response_put = S3Response._key_response_put

# The one condition key of a bucket policy that the emulator evaluates, and on what.
_SSE_HEADER = "x-amz-server-side-encryption"
_SSE_CONDITION_KEY = "s3:" + _SSE_HEADER


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _is_encryption_statement(statement):
    condition = statement.get("Condition", {})
    return list(condition) == ["StringNotEquals"] and list(condition["StringNotEquals"]) == [_SSE_CONDITION_KEY]


def _denied_by_encryption_policy(self, key_name):
    # The Deny statements on s3:PutObject whose one condition is StringNotEquals on
    # s3:x-amz-server-side-encryption, judged against the request's header. A request without
    # the header is refused too, as on AWS, where StringNotEquals on an absent key is true.
    raw = self.backend.get_bucket_policy(self.bucket_name)
    if not raw:
        return False
    resource = f"arn:aws:s3:::{self.bucket_name}/{key_name}"
    header = self.headers.get(_SSE_HEADER)
    for statement in _as_list(json.loads(raw).get("Statement", [])):
        if statement.get("Effect") != "Deny" or not _is_encryption_statement(statement):
            continue
        if not any(a in ("s3:PutObject", "s3:*", "*") for a in _as_list(statement.get("Action", []))):
            continue
        if not any(fnmatchcase(resource, r) for r in _as_list(statement.get("Resource", []))):
            continue
        if header not in _as_list(statement["Condition"]["StringNotEquals"][_SSE_CONDITION_KEY]):
            return True
    return False


_get_permission = FakeBucket.get_permission


def _permission_without_encryption_statements(self, action, resource):
    # moto judges a bucket policy without the request's condition values, so a statement with a
    # condition applies to every request: a Deny that requires SSE-KMS would refuse every
    # PutObject, also those that ask for aws:kms. Those statements are left to
    # _put_honouring_encryption_policy, which has the request's headers; the rest as moto does.
    if self.policy is None:
        return _get_permission(self, action, resource)
    policy = json.loads(self.policy)
    statements = _as_list(policy.get("Statement", []))
    kept = [s for s in statements if not _is_encryption_statement(s)]
    if len(kept) == len(statements):
        return _get_permission(self, action, resource)
    if not kept:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**policy, "Statement": kept})).is_action_permitted(action, resource)


FakeBucket.get_permission = _permission_without_encryption_statements


def _put_honouring_encryption_policy(self, query, key_name):
    # AWS refuses a PutObject that a Deny of the bucket policy matches, judged with the request's
    # condition values. A policy that requires SSE-KMS (Deny s3:PutObject when
    # s3:x-amz-server-side-encryption is StringNotEquals aws:kms) is how teams keep Terraform's
    # state under their KMS key, and Terraform's S3 backend asks for AES256 on every write unless
    # it is given kms_key_id: on AWS every such write is refused, and one with aws:kms accepted.
    # Only this condition is evaluated, on plain PutObject requests.
    plain_put = not any(q in query for q in ("uploadId", "retention", "legal-hold", "acl", "tagging"))
    if plain_put and "x-amz-copy-source" not in self.headers and _denied_by_encryption_policy(self, key_name):
        raise S3AccessDeniedError()
    return _key_response_put(self, query, key_name)


S3Response._key_response_put = _put_honouring_encryption_policy

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
