"""A small roster for drills: a branch, a product line, a chain of two steps."""

from pathlib import Path

import pytest

from dispatcher.roster import parse_roster

# The branch's case handlers: Alice all week, nobody from Sunday 22:00 to Monday 01:00
# (Shanghai time), a three-hour gap on Sunday night.
ROSTER = """
units:
  - {id: csc, kind: csc, zone: Asia/Shanghai, name: Customer Service Centre}
  - {id: br-sh, kind: branch, name: Shanghai Branch, sites: [Shanghai]}
  - id: bd-net
    kind: bd
    name: Network BD
    product_lines:
      - id: pl-core
        name: Core Network
        products:
          - {id: msc, name: MSC}
people:
  - id: alice
    name: Alice
    unit: br-sh
    roles: [case_handler]
    contacts:
      - {kind: mobile, number: "+1 212 555 0100"}
      - {kind: email, address: alice@example.com}
  - id: bob
    name: Bob
    unit: pl-core
    roles: [product_line_interface]
    contacts:
      - {kind: mobile, number: "+1 415 555 0101"}
  - id: carol
    name: Carol
    unit: pl-core
    roles: [product_line_interface]
    contacts:
      - {kind: email, address: carol@example.com}
rotations:
  - {id: sh-case, unit: br-sh, role: case_handler, timezone: Asia/Shanghai, repeat: weekly,
     start: 2026-11-02, handoffs: ["mon 01:00", "sun 22:00"], people: [alice, null]}
  - {id: core-if, unit: pl-core, role: product_line_interface, timezone: Asia/Shanghai,
     repeat: daily, start: 2026-11-02, handoffs: ["08:00"], people: [bob]}
required:
  - {unit: $branch, role: case_handler}
chains:
  - id: emergency
    steps:
      - targets: [{unit: $branch, role: case_handler}]
        channels: [voice, sms, email]
        wait_minutes: 10
      - targets: [{unit: $product_line, role: product_line_interface}]
        channels: [voice, sms, email]
        wait_minutes: 10
"""


@pytest.fixture
def roster_text() -> str:
    return ROSTER


@pytest.fixture
def roster():
    return parse_roster(ROSTER.encode(), "contacts.yaml")


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.yaml"
    path.write_text(ROSTER)
    return path
