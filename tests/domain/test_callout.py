from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dispatcher.domain.callout import (
    Position,
    RunState,
    acknowledge,
    advance,
    fallback_channels,
    first_routes,
    repage,
    routes_for,
    start_run,
    unreachable,
)
from dispatcher.domain.roster import ContactKind, ContactMethod, Person

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
PHONE = frozenset({ContactKind.MOBILE, ContactKind.VOICE})
REACHES = {
    "voice": PHONE,
    "sms": frozenset({ContactKind.MOBILE}),
    "email": frozenset({ContactKind.EMAIL}),
}


@dataclass
class Step:
    channels: tuple[str, ...]
    wait_minutes: float


@dataclass
class Chain:
    steps: tuple[Step, ...]
    repeat: int


CHAIN = Chain((Step(("voice", "sms", "email"), 10), Step(("voice",), 15)), repeat=2)


def test_a_run_walks_its_steps_and_rounds_then_is_exhausted():
    run = start_run("SR-20261124-0001", "emergency", CHAIN, T0)
    assert run.step_deadline == T0 + timedelta(minutes=10)
    seen = [run.position]
    at = T0
    while run.running:
        at = run.step_deadline
        run = advance(run, CHAIN, at)
        seen.append(run.position)
    assert seen[:4] == [Position(0, 0), Position(0, 1), Position(1, 0), Position(1, 1)]
    assert run.state is RunState.EXHAUSTED
    assert at == T0 + timedelta(minutes=50)


def test_an_acknowledgement_ends_the_run_and_nothing_moves_it_afterwards():
    run = start_run("SR-1", "emergency", CHAIN, T0)
    run = acknowledge(run, T0 + timedelta(minutes=3), "li.wei", "sms")
    assert run.state is RunState.ACKNOWLEDGED and run.acknowledged_via == "sms"
    assert advance(run, CHAIN, T0 + timedelta(hours=1)) == run
    assert acknowledge(run, T0, "other", "voice").acknowledged_by == "li.wei"


def test_repage_restarts_the_wait_of_the_same_step():
    run = advance(start_run("SR-1", "c", CHAIN, T0), CHAIN, T0 + timedelta(minutes=10))
    again = repage(run, CHAIN, T0 + timedelta(minutes=20))
    assert again.position == run.position
    assert again.step_deadline == T0 + timedelta(minutes=35)


def person(*contacts):
    return Person("li.wei", "Li Wei", "branch-sh", contacts=tuple(contacts))


MOBILE = ContactMethod(ContactKind.MOBILE, "+15550100")
DESK = ContactMethod(ContactKind.VOICE, "+15550190")
MAIL = ContactMethod(ContactKind.EMAIL, "li.wei@example.com")


def test_the_first_wave_uses_each_step_channel_once():
    routes = routes_for(person(MOBILE, DESK, MAIL), ("voice", "sms", "email"), REACHES)
    wave = routes.first_wave(("voice", "sms", "email"))
    assert [(r.channel, r.contact.address) for r in wave] == [
        ("voice", "+15550100"),
        ("sms", "+15550100"),
        ("email", "li.wei@example.com"),
    ]


def test_a_permanent_sms_failure_switches_to_voice_at_once():
    routes = routes_for(person(MOBILE, MAIL), ("sms",), REACHES)
    (sms,) = routes.first_wave(("sms",))
    replacement = routes.replacement(sms)
    assert (replacement.channel, replacement.contact.address) == ("voice", "+15550100")
    assert routes.replacement(replacement).channel == "email"
    assert routes.replacement(routes.ordered[-1]) is None


ALL_KINDS = frozenset({ContactKind.MOBILE, ContactKind.VOICE, ContactKind.EMAIL})


def test_a_plugin_channel_is_a_route_only_where_the_step_names_it():
    here = {
        "dingtalk": frozenset({ContactKind.MOBILE}),
        "desk": ALL_KINDS,
        "email": REACHES["email"],
    }
    unnamed = routes_for(person(MOBILE, MAIL), ("voice", "sms"), here).ordered
    assert [(r.channel, r.contact.address) for r in unnamed] == [
        ("email", "li.wei@example.com"),
        ("desk", "+15550100"),
        ("desk", "li.wei@example.com"),
    ]
    named = routes_for(person(MOBILE), ("dingtalk",), here).ordered
    assert [r.channel for r in named] == ["dingtalk", "desk"]
    assert first_routes(person(MOBILE), ("sms",), here)[0].channel == "desk"


def test_the_fallbacks_are_voice_sms_email_then_the_relay_whatever_else_is_enabled():
    enabled = ["webhook", "desk", "email", "wecom", "sms", "voice"]
    assert fallback_channels(("sms",), enabled) == ("voice", "email", "desk")
    assert fallback_channels(("desk",), ["desk", "webhook"]) == ()


def test_people_with_no_route_are_named():
    nobody = Person("x", "X", "u")
    assert unreachable([nobody, person(MOBILE)], REACHES, ("voice",)) == [nobody]
    assert unreachable([person(MAIL)], {"voice": PHONE}, ("voice",))


@given(
    st.integers(min_value=1, max_value=4),
    st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=5),
)
def test_every_run_ends_after_steps_times_rounds_advances(rounds, waits):
    chain = Chain(tuple(Step(("sms",), w) for w in waits), repeat=rounds)
    run = start_run("SR-1", "c", chain, T0)
    advances = 0
    while run.running:
        run = advance(run, chain, run.step_deadline)
        advances += 1
    assert advances == rounds * len(waits)
    assert run.step_deadline == T0 + timedelta(minutes=rounds * sum(waits))
