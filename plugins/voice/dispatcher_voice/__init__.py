"""dispatcher's voice channel (Twilio Calls), with an optional key-press receiver."""

from dispatcher_twilio import TwilioConfig

from dispatcher.plugins import MissingSetting, Register, Settings, hookimpl
from dispatcher_voice.channel import VoiceChannel
from dispatcher_voice.receiver import ReceiverConfig, WebhookReceiver


@hookimpl
def dispatcher_channels(register: Register, settings: Settings) -> None:
    try:
        config = TwilioConfig.from_settings(settings)
        receiver_config = ReceiverConfig.from_settings(settings)
    except MissingSetting as missing:
        register.disabled("voice", str(missing))
        return
    receiver = WebhookReceiver(receiver_config, config.auth_token) if receiver_config else None
    register(VoiceChannel(config, receiver))
