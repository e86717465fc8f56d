"""Starts moto's server with the corrections this project needs to match real AWS.

Each correction below fixes a place where moto answers differently from AWS in a way the
AWS provider notices. Without it, the emulator would make a correct configuration look
wrong (or the other way round). Arguments are passed to moto_server unchanged.
"""

import sys

from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.iam.access_control import IAMPolicyStatement
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

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
