"""dispatcher's DingTalk (钉钉) channel: a duty group's custom robot @-mentions the paged person."""

from dispatcher.plugins import MissingSetting, Register, Settings, hookimpl
from dispatcher_dingtalk.channel import DingTalkChannel, DingTalkConfig, sign

__all__ = ["DingTalkChannel", "DingTalkConfig", "dispatcher_channels", "sign"]


@hookimpl
def dispatcher_channels(register: Register, settings: Settings) -> None:
    try:
        config = DingTalkConfig.from_settings(settings)
    except (MissingSetting, ValueError) as problem:
        register.disabled(DingTalkChannel, str(problem))
        return
    register(DingTalkChannel(config))
