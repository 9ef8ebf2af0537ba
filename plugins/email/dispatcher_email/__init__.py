"""dispatcher's email channel (SMTP through aiosmtplib)."""

from dispatcher.plugins import MissingSetting, Register, Settings, hookimpl
from dispatcher_email.channel import EmailChannel, SmtpConfig


@hookimpl
def dispatcher_channels(register: Register, settings: Settings) -> None:
    try:
        config = SmtpConfig.from_settings(settings)
    except MissingSetting as missing:
        register.disabled("email", str(missing))
        return
    register(EmailChannel(config))
