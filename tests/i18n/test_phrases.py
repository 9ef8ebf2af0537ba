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


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "sms to sh-li-na: carrier timeout (gave up after 3 attempts)",
            "经 sms 发给 sh-li-na:carrier timeout(试了 3 次后放弃)",
        ),
        (
            "voice to sh-li-na: busy (no retry before its step ends at 03:10:00)",
            "经 voice 发给 sh-li-na:busy(这一步于 03:10:00 结束,之前不再重试)",
        ),
        (
            "round 1, step 2 reaches nobody (case_handler of br-x, sh-li-na (no contact method "
            "for sms, voice)): skipped",
            "第 1 轮第 2 步 无人可呼叫(br-x 的现场CASE处理负责人, sh-li-na(没有 sms, voice "
            "可到达的联系方式)):已跳过",
        ),
        (
            "instead of sms +8613800000000, which failed permanently",
            "代替彻底失败的 sms +8613800000000",
        ),
        ("dissatisfied callback (score 2)", "不满意的回访(评分 2)"),
    ],
)
def test_the_engines_reasons_inside_a_timeline_text_are_said_in_chinese(english, chinese):
    assert phrase(english, "zh") == chinese


def test_an_acknowledgement_the_desk_wrote_is_its_text_and_a_persons_note_is_theirs():
    from dispatcher.i18n.phrases import composed

    for kind in ("acknowledged", "callout_acknowledged"):
        assert composed(kind, "acknowledged by Li Na")
        assert not composed(kind, "on my way")
    assert composed("reopened", "dissatisfied callback (score 1)")
    assert not composed("reopened", "customer called back angry")
