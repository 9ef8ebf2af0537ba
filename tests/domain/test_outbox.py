from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dispatcher.domain.outbox import (
    DEFAULT_LIMITS,
    Limit,
    PageKey,
    RetryPolicy,
    Throttle,
    is_duplicate,
    throttle_keys,
)

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_backoff_doubles_up_to_its_ceiling_and_gives_up():
    policy = RetryPolicy()
    assert [policy.delay(n).total_seconds() for n in range(1, 7)] == [15, 30, 60, 120, 240, 240]
    assert not policy.gives_up_after(4) and policy.gives_up_after(5)


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


def test_the_same_page_is_not_sent_twice_to_an_address_within_the_window():
    key = PageKey("SR-20261124-0001", "sms", "+15550100", "page")
    sent = {key: T0}
    assert is_duplicate(key, sent, T0 + timedelta(minutes=4))
    assert not is_duplicate(key, sent, T0 + timedelta(minutes=5))
    other = PageKey("SR-20261124-0001", "sms", "+15550101", "page")
    assert not is_duplicate(other, sent, T0)
