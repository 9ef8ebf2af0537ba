"""The timeline of a chase read in Chinese: every line the engine composed is said in Chinese
around the names it keeps (people, chains, channels, numbers) and the provider's own words.

Through the whole runtime: the engine, the real sms channel, the loopback Twilio peer, a manual
clock; a page that fails for a passing reason and is retried, a number the carrier rejects,
a provider's rate that delays a text, a chain that runs out.
"""

from __future__ import annotations

import re
from datetime import timedelta

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.outbox import DEFAULT_LIMITS, RetryPolicy
from dispatcher.i18n.phrases import composed, phrase
from tests.engine.test_chase import engine_for, start
from tests.i18n.english import english_words
from tests.tui.test_chinese_screens import given_words

HE = "+12125550103"
CHANNELS = {"sms", "voice", "email", "desk"}


def provider_words(night, sr_id: str) -> set[str]:
    """What the provider said (its error messages, statuses): kept as it said it."""
    said = [f"{r.detail} {r.provider_status}" for r in night.outbox(sr_id)]
    # the sms channel's words for the peer's HTTP 500, in the retried page's line
    said.append("Twilio refused (500): Unable to create record: Internal Server Error")
    said = [re.sub(r"delayed until .*|\(no retry before .*\)", "", text) for text in said]
    return {w for text in said for w in re.findall(r"[A-Za-z]+", text)}


async def test_a_chase_with_failures_reads_in_chinese_on_the_timeline_and_in_chain_show(night):
    engine = engine_for(night, limits=DEFAULT_LIMITS, retry=RetryPolicy(random=lambda: 0.5))
    await engine.run_once()
    night.peer.reject(HE, code=21211)  # He Lin's mobile: not a valid number
    night.peer.fail_next(500, count=1)  # Chen's first text: a passing failure
    sr = start(night, "twice-named")
    await engine.run_once()
    await night.clock.advance(timedelta(minutes=1))
    await engine.run_once()  # step 2: Chen's text goes, He's waits a second (one text a second)
    delayed = CliRunner().invoke(
        cli, ["--lang", "zh", "chain", "show", sr.id, "--data", str(night.store.data_dir)]
    )
    # in the CSC's zone (Shanghai), as the step lines are
    assert "因 sms 服务商的速率(1 秒 1 条) 推迟到 11:01:01" in delayed.output, delayed.output
    for _ in range(6):
        await night.clock.advance(timedelta(seconds=30))
        await engine.run_once()
    timeline = night.control.requests.timeline(sr.id)
    kinds = {event.kind for event in timeline}
    assert {"page_failed", "step_reached", "callout_exhausted"} <= kinds, kinds
    allowed = given_words(night.control.roster, [sr]) | provider_words(night, sr.id) | CHANNELS

    lines = [
        (event.text, phrase(event.text, "zh"))
        for event in timeline
        if event.text and composed(event.kind, event.text)
    ]
    english = {text: english_words(chinese, allowed) for text, chinese in lines}
    assert not any(english.values()), english
    assert any("重试" in chinese for _, chinese in lines)  # the retry, in Chinese
    assert any("无人确认" in chinese for _, chinese in lines)  # the chain ran out

    shown = CliRunner().invoke(
        cli, ["--lang", "zh", "chain", "show", sr.id, "--data", str(night.store.data_dir)]
    )
    assert shown.exit_code == 0, shown.output
    assert not english_words(shown.output, allowed), shown.output
    assert "未发送:呼叫链已用尽" in shown.output  # He's delayed text, never sent
    await engine.aclose()
