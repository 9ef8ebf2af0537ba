"""Channel size limits: SMS parts by the GSM-7 and UCS-2 rules, cuts that never split a character."""

from html import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.plugins.sizes import cut, cut_subject, fit, fit_sms, sms_parts

HAN = "紧"
EMOJI = "🚨"  # a surrogate pair in UTF-16


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("]" * 80, 1),  # 160 septets
        ("]" * 81, 2),
        ("]" * 153, 3),  # 76 escape pairs per part: a pair is never split
        ("a" + "]" * 152, 2),  # 305 septets, the odd one first: pairs fall on whole parts
        ("€" * 80, 1),
        ("€" * 81, 2),
        (HAN * 70, 1),
        (HAN * 71, 2),
        (HAN * 134, 2),
        (HAN * 135, 3),
        ("a" * 69 + "😀", 2),  # 71 code units: UCS-2
        (HAN * 68 + EMOJI, 1),  # 70 code units
        (HAN * 66 + EMOJI + HAN * 66, 3),  # the emoji on a boundary moves whole to part 2
        (HAN * 65 + EMOJI + HAN * 67, 2),  # 134 units, the pair inside part 1
    ],
)
def test_parts_follow_the_reference_table(text, parts):
    assert sms_parts(text) == parts


@given(st.text(st.sampled_from(list("a]€紧🚨 ")), max_size=800))
def test_parts_never_fewer_than_the_units_allow(text):
    units = (
        sum(2 if ch in "]€" else 1 for ch in text)
        if set(text) <= set("a]€ ")
        else len(text.encode("utf-16-le")) // 2
    )
    single, part = (160, 153) if set(text) <= set("a]€ ") else (70, 67)
    parts = sms_parts(text)
    assert parts == 1 if units <= single else -(-units // part) <= parts <= -(-units // part) + 1


@given(st.text(st.sampled_from(list("a]紧🚨 é")), max_size=2000), st.integers(1, 6))
def test_fit_sms_keeps_the_tail_within_the_cap(head, max_parts):
    tail = " Reply 4821 to acknowledge"

    text = fit_sms(head, tail, max_parts)

    assert text.endswith(tail) and sms_parts(text) <= max_parts
    kept = text[: -len(tail)]
    assert kept == head or (kept.endswith("…") and head.startswith(kept[:-1]))


@given(st.text(max_size=3000), st.integers(200, 4000))
def test_fit_keeps_a_rendering_within_its_limit(text, limit):
    def render(t):
        return f"<Response><Say>{escape(t)}</Say><Say>{escape(t)}</Say></Response>"

    kept = fit(text, render, limit)

    assert len(render(kept)) <= limit
    assert kept == text or kept == "" or text.startswith(kept[:-1])


def test_a_cut_keeps_marks_joiners_and_flags_with_their_character():
    assert cut("ae\u0301bc", 3) == "a…"
    assert cut("a👩\u200d💻bc", 4) == "a…"
    assert cut("a🇨🇳🇨🇳", 3) == "a…"
    assert cut("a🇨🇳🇨🇳", 4) == "a🇨🇳…"


def test_a_subject_without_spaces_is_cut_by_characters():
    assert cut_subject("SR-1 紧急事件: " + HAN * 80) == ("SR-1 紧急事件: " + HAN * 80)[:59] + "…"
