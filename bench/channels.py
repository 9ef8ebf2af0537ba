"""500 notifications (sms, voice, email) to the loopback peers: concurrent versus one at a time.

The peers answer after a fixed latency, as a distant provider would; prints `name: value` lines.
"""

import asyncio
import statistics
import time

from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import Settings
from dispatcher.testing.builders import sample_notification
from dispatcher.testing.smtp_server import LoopbackSMTPServer
from dispatcher.testing.twilio_peer import TEST_FROM, TwilioPeer
from dispatcher_email import EmailChannel, SmtpConfig
from dispatcher_sms import SmsChannel, TwilioConfig
from dispatcher_voice import VoiceChannel

COUNT = 500
LATENCY = 0.02


async def timed(channel, notification):
    start = time.perf_counter()
    receipt = await channel.send(notification)
    assert receipt.ok, receipt.detail
    return time.perf_counter() - start


async def run(peer, smtp):
    twilio = TwilioConfig.from_settings(Settings({
        "TWILIO_ACCOUNT_SID": peer.account_sid, "TWILIO_AUTH_TOKEN": peer.auth_token,
        "TWILIO_FROM": TEST_FROM, "DISPATCHER_TWILIO_URL": peer.url}))
    email = EmailChannel(SmtpConfig(smtp.host, smtp.port, smtp.user, smtp.password, "desk@example.org",
                                    ca_file=str(smtp.ca_file)))
    channels = [SmsChannel(twilio), VoiceChannel(twilio), email]
    work = [(channels[i % 3], sample_notification(
        f"bench{i}@example.org" if i % 3 == 2 else f"+1555{i:07d}",
        ContactKind.EMAIL if i % 3 == 2 else ContactKind.MOBILE)) for i in range(COUNT)]
    start = time.perf_counter()
    sequential = [await timed(c, n) for c, n in work]
    sequential_total = time.perf_counter() - start
    start = time.perf_counter()
    concurrent = await asyncio.gather(*(timed(c, n) for c, n in work))
    concurrent_total = time.perf_counter() - start
    for channel in channels:
        await channel.close()
    for name, samples, total in (("one_at_a_time", sequential, sequential_total), ("concurrent", concurrent, concurrent_total)):
        cuts = statistics.quantiles(samples, n=100)
        print(f"{name}_seconds: {total:.2f}")
        print(f"{name}_p50_ms: {cuts[49] * 1000:.1f}")
        print(f"{name}_p99_ms: {cuts[98] * 1000:.1f}")
    print(f"speedup: {sequential_total / concurrent_total:.1f}")


def main():
    print(f"notifications: {COUNT}")
    print(f"peer_latency_ms: {LATENCY * 1000:.0f}")
    with TwilioPeer(latency=LATENCY) as peer, LoopbackSMTPServer(latency=LATENCY) as smtp:
        asyncio.run(run(peer, smtp))


if __name__ == "__main__":
    main()
