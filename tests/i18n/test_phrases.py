"""Recorded English phrases read in Chinese, parts named where they are values, kept where ids."""

import pytest

from dispatcher.i18n.phrases import phrase


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("round 1, step 3 (escalated)", "第 1 轮第 3 步(升级)"),
        ("desk to oss-jenny-qian", "经 desk 发给 oss-jenny-qian"),
        ("desk delivered", "desk:已送达"),
        ("acknowledged by Li Na", "由 Li Na 确认"),
        ("case_handler of $branch", "分公司 的现场CASE处理负责人"),
        ("emergency criteria 7, 9", "紧急事件条件 7, 9"),
        (
            "L1 from br-shanghai, which covers Shanghai; an emergency: the emergency chain, "
            "every channel at once",
            "L1 由负责 Shanghai 的 br-shanghai 处理;紧急事件:使用紧急呼叫链,所有通道同时呼叫",
        ),
        (
            "+12125550101 sent the code paged to it while its replies are ignored (until 03:40): "
            "nothing acknowledged; phone them and acknowledge by the desk",
            "+12125550101 发来了呼叫它的确认码,但其回复在 03:40 之前被忽略:未确认任何请求;"
            "请给其打电话并通过值班台确认",
        ),
        ("round 1, step 2 (escalated: L2, step for tac)", "第 1 轮第 2 步(升级到 L2:tac 的那一步)"),
        (
            "chain night ran out after 2 round(s) without an acknowledgement",
            "呼叫链 night 已呼叫 2 轮,无人确认",
        ),
        ("a note in the dispatcher's own words", "a note in the dispatcher's own words"),
    ],
)
def test_known_phrases_are_said_in_chinese_and_others_kept(english, chinese):
    assert phrase(english, "zh") == chinese
    assert phrase(english, "en") == english


def test_a_dispatchers_note_is_never_rephrased_on_the_timeline():
    from dispatcher.i18n.phrases import RECORDED_KINDS

    assert "note" not in RECORDED_KINDS and "callback" not in RECORDED_KINDS
    assert phrase("customer happy", "zh") == "customer happy"
