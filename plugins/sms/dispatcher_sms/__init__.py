"""dispatcher's sms channel (Twilio Messages)."""

from dispatcher_twilio import TwilioConfig

from dispatcher.plugins import MissingSetting, Register, Settings, hookimpl
from dispatcher_sms.channel import SmsChannel


@hookimpl
def dispatcher_channels(register: Register, settings: Settings) -> None:
    try:
        config = TwilioConfig.from_settings(settings)
    except MissingSetting as missing:
        register.disabled("sms", str(missing))
        return
    register(SmsChannel(config))
