"""Contact kinds a plugin declares: loaded before every channel, owned by the first plugin to
declare them, reached by any plugin's channel, listed by `dispatcher plugins`, and read by the
roster with their validator."""

import json

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.contact_kinds import ContactKinds
from dispatcher.plugins import ChannelBase, ContactKindSpec, PluginManager, Receipt
from dispatcher.roster import RosterError, parse_roster

from .conftest import declaring, registering


def wecom_id(address):
    if not address.isascii() or not address.replace(".", "").isalnum():
        raise ValueError("a WeCom user id is letters, digits and dots")
    return address.lower()


WECOM = ContactKindSpec("wecom", wecom_id, example="LiWei", description="a WeCom user id")


class WecomChannel(ChannelBase):
    name = "wecom"
    reaches = frozenset({"wecom", "mobile"})

    async def send(self, notification):
        return Receipt.accepted(self.name, "w-1")


def test_a_channel_may_reach_a_kind_another_plugin_declares(installed):
    installed.add("wecom_robot", registering(WecomChannel()))  # loads before the declaration
    installed.add("wecom_kinds", declaring(WECOM))
    installed.add("wecom_again", declaring(ContactKindSpec("wecom", str, example="x")))

    manager = PluginManager(environ={}).load()

    assert {p.name: p.status for p in manager.plugins}["wecom_robot"] == "loaded"
    assert manager.channels["wecom"].reaches == {"wecom", "mobile"}
    (wecom,) = [k for k in manager.kind_infos if k.name == "wecom"]
    assert wecom.plugin == "wecom_kinds"  # the first to declare it owns it
    assert manager.contact_kinds().spec("wecom").validate("Li.Wei") == "li.wei"
    assert "wecom" in manager.channels.get("desk", ChannelBase()).reaches or (
        "desk" not in manager.channels  # no store here: the desk's relay is off
    )


def test_plugins_lists_the_contact_kinds(installed, tmp_path):
    installed.add("wecom_kinds", declaring(WECOM))
    text = CliRunner().invoke(cli, ["plugins", "--data", str(tmp_path)], env={})
    listing = CliRunner().invoke(cli, ["plugins", "--json", "--data", str(tmp_path)], env={})

    assert text.exit_code == 0, text.output
    kinds_part = text.output.split("contact kinds:\n", 1)[1].splitlines()
    assert (
        "  mobile (built in): a mobile number for texts and calls (E.164), e.g. +8613800138000"
        in (kinds_part)
    )
    assert "  wecom (plugin wecom_kinds): a WeCom user id, e.g. LiWei" in kinds_part
    kinds = {k["name"]: k for k in json.loads(listing.output)["kinds"]}
    assert kinds["wecom"]["plugin"] == "wecom_kinds" and kinds["email"]["plugin"] == ""
    assert "push" in kinds  # plugins/template's own kind
    # The desk's relay, opened on a data directory, reaches the declared kind too.
    channels = {c["name"]: c for c in json.loads(listing.output)["channels"]}
    assert "wecom" in channels["desk"]["reaches"]


ROSTER = """
units: [{id: csc, kind: csc, name: CSC, zone: Asia/Shanghai}, {id: br, kind: branch, name: Branch, sites: [Shanghai]}]
people:
  - id: li
    name: Li Wei
    unit: br
    contacts:
      - {kind: wecom, address: LiWei}
      - {kind: wecom, number: "+1 212 555 0100"}
      - {kind: wecom, address: "Li Wei"}
      - {kind: wecom, address: LiWei, ext: "12"}
      - {kind: "WeCom!", address: LiWei}
"""


def test_the_roster_checks_each_address_with_its_kinds_validator():
    with pytest.raises(RosterError) as raised:
        parse_roster(ROSTER.encode(), "contacts.yaml", ContactKinds([WECOM]))

    assert raised.value.errors == [
        "contacts.yaml:9:31: people[0].contacts[1].number: a contact of kind wecom has an address, not a number",
        "contacts.yaml:9:9: people[0].contacts[1].address: missing (required)",
        "contacts.yaml:10:32: people[0].contacts[2].address: kind wecom: a WeCom user id is letters,"
        " digits and dots",
        "contacts.yaml:11:44: people[0].contacts[3].ext: a contact of kind wecom has no extension",
        "contacts.yaml:12:16: people[0].contacts[4].kind: 'WeCom!' is not a contact kind (mobile,"
        " voice, email or a plugin's)",
    ]
    roster = parse_roster(
        ROSTER.split("      - {kind: wecom, number")[0].encode(),
        "contacts.yaml",
        ContactKinds([WECOM]),
    )
    (contact,) = roster.person("li").contacts
    assert (contact.kind, contact.address) == ("wecom", "liwei")


def test_a_validator_that_fails_is_one_line_naming_its_plugin():
    def broken(address):
        raise KeyError("config")

    kinds = ContactKinds([ContactKindSpec("wecom", broken, example="x", plugin="wecom_kinds")])
    with pytest.raises(RosterError) as raised:
        parse_roster(ROSTER.split("      - {kind: wecom, number")[0].encode(), "c.yaml", kinds)

    assert raised.value.errors == [
        "c.yaml:8:32: people[0].contacts[0].address: kind wecom: the validator of plugin"
        " wecom_kinds failed ('config')"
    ]


def test_the_plugins_are_asked_only_for_a_kind_that_is_not_built_in():
    asked = []

    def find():
        asked.append(1)
        return [WECOM]

    built_in = (
        ROSTER.split("      - {kind: wecom")[0] + "      - {kind: email, address: li@example.org}\n"
    )
    parse_roster(built_in.encode(), "contacts.yaml", ContactKinds(find=find))
    assert asked == []

    kinds = ContactKinds(find=find)
    parse_roster(ROSTER.split("      - {kind: wecom, number")[0].encode(), "contacts.yaml", kinds)
    assert asked == [1] and kinds.spec("wecom") == WECOM and kinds.spec("ntfy") is None
    assert asked == [1]  # asked once
