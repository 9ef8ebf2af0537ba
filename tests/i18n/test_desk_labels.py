"""Every word of the desk (`dispatcher.tui.labels`) reads in Chinese in the Chinese desk
(PROMISES 7): a label whose catalogue entry is missing, empty or left in English fails here,
whichever screen shows it."""

from __future__ import annotations

from dispatcher.tui.labels import EN, labels
from tests.i18n.english import english_words


def test_every_label_of_the_desk_is_chinese_in_the_chinese_desk():
    chinese = labels("zh")
    assert chinese.keys() == EN.keys()
    left_english = {key: text for key, text in chinese.items() if english_words(text)}
    assert not left_english, left_english


def test_the_red_flag_is_named_as_the_csc_names_it():
    assert labels("zh")["red_flag"] == "红旗"
