from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dispatcher.domain.outbox import (
    DEFAULT_LIMITS,
    Limit,
    RetryPolicy,
    Throttle,
    notification_key,
    throttle_keys,
)

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_backoff_doubles_up_to_its_ceiling_and_gives_up():
    policy = RetryPolicy(random=lambda: 0.0)
    assert [policy.delay(n).total_seconds() for n in range(1, 7)] == [15, 30, 60, 120, 240, 240]
    assert not policy.gives_up_after(4) and policy.gives_up_after(5)


@given(st.integers(min_value=1, max_value=8))
def test_jitter_stretches_each_delay_by_at_most_its_share(attempt):
    low, high = RetryPolicy(random=lambda: 0.0), RetryPolicy(random=lambda: 0.999)
    assert low.delay(attempt) <= RetryPolicy().delay(attempt) <= high.delay(attempt)
    assert high.delay(attempt) < low.delay(attempt) * 1.2


def test_sms_channel_sends_one_a_second():
    throttle = Throttle(DEFAULT_LIMITS)
    first = throttle_keys("sms", "+15550100")
    second = throttle_keys("sms", "+15550101")
    assert throttle.earliest(first, T0) == T0
    throttle.record(first, T0)
    assert throttle.earliest(second, T0) == T0 + timedelta(seconds=1)


def test_one_person_gets_at_most_three_calls_a_quarter_hour():
    throttle = Throttle(DEFAULT_LIMITS)
    keys = throttle_keys("voice", "+15550100")
    for minute in (0, 1, 2):
        at = T0 + timedelta(minutes=minute)
        assert throttle.earliest(keys, at) == at
        throttle.record(keys, at)
    assert throttle.earliest(keys, T0 + timedelta(minutes=3)) == T0 + timedelta(minutes=15)
    assert throttle.earliest(throttle_keys("voice", "+15550199"), T0) == T0


@given(st.lists(st.integers(min_value=0, max_value=3600), min_size=1, max_size=60))
def test_a_throttle_never_lets_more_than_its_limit_through_any_window(offsets):
    limit = Limit(3, timedelta(minutes=5))
    throttle = Throttle({"voice": limit})
    keys = ["voice:+15550100"]
    sent = []
    for offset in sorted(offsets):
        at = throttle.earliest(keys, max([T0 + timedelta(seconds=offset), *sent[-1:]]))
        throttle.record(keys, at)
        sent.append(at)
    for start in sent:
        assert sum(start <= s < start + limit.per for s in sent) <= limit.count


def test_a_new_round_step_repage_or_contact_method_is_a_new_key_and_a_replay_is_not():
    def key(**changes):
        fields = {
            "sr": "SR-20261124-0001",
            "run": "2026-11-24T03:00:00+00:00",
            "round_": 0,
            "step": 0,
            "instance": "",
            "person": "chen.case",
            "channel": "sms",
            "address": "+15550100",
            "purpose": "page",
        }
        return notification_key(**{**fields, **changes})

    assert key() == key()  # the same trigger replayed: one page
    others = [
        key(round_=1),
        key(step=1),
        key(instance=".1"),
        key(channel="voice"),
        key(address="+15550101"),
        key(purpose="status_update"),
        key(run="2026-11-24T04:00:00+00:00"),
    ]
    assert len({key(), *others}) == len(others) + 1
