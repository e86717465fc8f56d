"""Starts moto's server with the corrections this project needs to match real AWS.

Each correction below fixes a place where moto answers differently from AWS in a way the
AWS provider notices. Without it, the emulator would make a correct configuration look
wrong (or the other way round). Arguments are passed to moto_server unchanged.
"""

import sys

from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.server import main

_association = NetworkInterface.association.fget


def _association_or_none(self):
    # AWS omits <association> from a network interface that has no public IP. moto sends an
    # empty element, which the AWS provider reads as "has a public IP": an instance launched
    # with associate_public_ip_address = false would then be replaced on every plan.
    association = _association(self)
    return association or None


NetworkInterface.association = property(_association_or_none)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
