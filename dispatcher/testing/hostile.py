"""Hostile text for tests: strings that would drive a terminal if printed raw.

    for name, text in HOSTILE.items(): ...   # put each through an input
    assert_inert(output)                     # nothing in the output can drive a terminal

Each string carries the marker PWNED, so a test can also see that the text arrived, escaped.
"""

from __future__ import annotations

HOSTILE: dict[str, str] = {
    "clear screen": "PWNED\x1b[2J\x1b[H",
    "OSC 0 title, BEL": "\x1b]0;PWNED\x07",
    "OSC 52 clipboard, BEL": "\x1b]52;c;UFdORUQgcm0gLXJmIH4=\x07PWNED",
    "OSC 52 clipboard, ESC backslash": "\x1b]52;c;UFdORUQgcm0gLXJmIH4=\x1b\\PWNED",
    "CSI colour": "\x1b[31mPWNED\x1b[0m",
    "C1 CSI": "\x9b2JPWNED",
    "C1 OSC": "\x9d0;PWNED\x9c",
    "bidi override": "PWNED \u202egnp.exe\u202c",
    "bidi isolate": "PWNED \u2067evil\u2069",
    "NUL": "PWNED\x00tail",
    "CR LF": "PWNED\r\nBcc: victim@example.org",
    "bare CR": "harmless\rPWNED",
    "DEL and backspace": "PWNED\x7f\x08\x08",
}

# What must never reach a terminal from data (CR LF is a line end, allowed in output).
_DANGEROUS = [chr(c) for c in (*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
_DANGEROUS += ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
_DANGEROUS += [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def inert_problems(output: str) -> list[str]:
    """The control characters in `output` that a terminal would act on (CR only when not
    followed by LF), as readable names; empty if the output is inert."""
    found = []
    for index, char in enumerate(output):
        if char == "\r" and output[index + 1 : index + 2] == "\n":
            continue
        if char in _DANGEROUS:
            found.append(
                f"U+{ord(char):04X} at {index}: {output[max(0, index - 20) : index + 20]!r}"
            )
    return found


def assert_inert(output: str) -> None:
    """Fail, naming each one, if `output` holds a control character a terminal acts on."""
    problems = inert_problems(output)
    assert not problems, "raw control characters reached the output:\n" + "\n".join(problems[:10])
