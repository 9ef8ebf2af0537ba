"""dispatcher's email channel (SMTP through aiosmtplib)."""

from dispatcher.plugins import MissingSetting, hookimpl
from dispatcher_email.channel import EmailChannel, SmtpConfig


@hookimpl
def dispatcher_channels(register, settings):
    try:
        config = SmtpConfig.from_settings(settings)
    except MissingSetting as missing:
        register.disabled("email", str(missing))
        return
    register(EmailChannel(config))
