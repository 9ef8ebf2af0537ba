"""A plugin and its tests import the kit by the paths the guide names: every public name the
contract and the loopback Twilio peer defined before they were split into smaller modules is
still imported from `dispatcher.plugins.contract` and `dispatcher.testing.twilio_peer`, and
declared in their `__all__` (what a strict type checker accepts as exported)."""

from __future__ import annotations

import importlib

import pytest

KIT = {
    "dispatcher.plugins.contract": (
        "CalloutEvent CalloutEventKind Channel ChannelBase DeliveryStatus Failure Health "
        "MissingSetting Notification PollResult Purpose Receipt Register RegisterKind Reply "
        "SECRET_NAME Setting Settings StatusUpdate Urgency one_line parse_ack_code redact"
    ),
    "dispatcher.testing.twilio_peer": (
        "CALL_OUTCOMES MESSAGE_OUTCOMES TEST_ACCOUNT_SID TEST_AUTH_TOKEN TEST_FROM TwilioPeer "
        "twilio_signature"
    ),
}


@pytest.mark.parametrize("path", KIT)
def test_every_public_name_is_still_imported_from_its_path(path):
    module = importlib.import_module(path)
    missing = [name for name in KIT[path].split() if not hasattr(module, name)]
    undeclared = [name for name in KIT[path].split() if name not in module.__all__]
    assert (missing, undeclared) == ([], [])


def test_the_package_and_the_contract_hand_out_the_same_objects():
    contract = importlib.import_module("dispatcher.plugins.contract")
    package = importlib.import_module("dispatcher.plugins")
    for name in set(package.__all__) & set(contract.__all__):
        assert getattr(package, name) is getattr(contract, name), name
