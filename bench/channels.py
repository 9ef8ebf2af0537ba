"""500 notifications (sms, voice, email) to the loopback peers: concurrent versus one at a time.

The peers (the Twilio peer and the SMTP server) each run in a process of their own, started
and stopped here, so that they do not share an interpreter with the channels they answer; each
answers after the same fixed latency in both runs, as a distant provider would. Both runs send
the same 500 notifications through the same channels, as production configures them (the
email channel keeps its pool of logged-in connections). Prints `name: value` lines.
"""

import asyncio
import logging
import multiprocessing
import statistics
import time

from dispatcher_email import EmailChannel, SmtpConfig
from dispatcher_sms import SmsChannel, TwilioConfig
from dispatcher_voice import VoiceChannel

from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import Settings
from dispatcher.testing.builders import sample_notification

COUNT = 500
LATENCY = 0.02
TARGET = 10.0


def serve_peer(kind, latency, to_bench, stop):
    """One peer's process: start it on 127.0.0.1, say where it is, wait to be stopped."""
    if kind == "twilio":
        from dispatcher.testing.twilio_peer import TEST_FROM, TwilioPeer

        with TwilioPeer(latency=latency) as peer:
            to_bench.send(
                {
                    "TWILIO_ACCOUNT_SID": peer.account_sid,
                    "TWILIO_AUTH_TOKEN": peer.auth_token,
                    "TWILIO_FROM": TEST_FROM,
                    "DISPATCHER_TWILIO_URL": peer.url,
                }
            )
            stop.wait()
            to_bench.send({"sms_and_calls": len(peer.requests)})
    else:
        from dispatcher.testing.smtp_server import LoopbackSMTPServer

        logging.getLogger("mail.log").setLevel(logging.ERROR)
        with LoopbackSMTPServer(latency=latency) as smtp:
            to_bench.send(
                {
                    "SMTP_HOST": smtp.host,
                    "SMTP_PORT": str(smtp.port),
                    "SMTP_USER": smtp.user,
                    "SMTP_PASSWORD": smtp.password,
                    "SMTP_FROM": "desk@example.org",
                    "SMTP_TLS": smtp.tls,
                    "SMTP_CA_FILE": str(smtp.ca_file),
                }
            )
            stop.wait()
            to_bench.send({"mails": len(smtp.messages)})


async def timed(channel, notification):
    start = time.perf_counter()
    receipt = await channel.send(notification)
    assert receipt.ok, receipt.detail
    return time.perf_counter() - start


async def run(settings):
    twilio = TwilioConfig.from_settings(settings)
    email = EmailChannel(SmtpConfig.from_settings(settings))
    channels = [SmsChannel(twilio), VoiceChannel(twilio), email]
    work = [
        (
            channels[i % 3],
            sample_notification(
                f"bench{i}@example.org" if i % 3 == 2 else f"+1555{i:07d}",
                ContactKind.EMAIL if i % 3 == 2 else ContactKind.MOBILE,
            ),
        )
        for i in range(COUNT)
    ]
    start = time.perf_counter()
    sequential = [await timed(c, n) for c, n in work]
    sequential_total = time.perf_counter() - start
    start = time.perf_counter()
    concurrent = await asyncio.gather(*(timed(c, n) for c, n in work))
    concurrent_total = time.perf_counter() - start
    for channel in channels:
        await channel.close()
    print(f"sequential_seconds: {sequential_total:.2f}")
    print(f"concurrent_seconds: {concurrent_total:.2f}")
    speedup = sequential_total / concurrent_total
    print(f"speedup: {speedup:.1f}")
    for name, samples in (("sequential", sequential), ("concurrent", concurrent)):
        cuts = statistics.quantiles(samples, n=100)
        print(f"{name}_p50_ms: {cuts[49] * 1000:.1f}")
        print(f"{name}_p99_ms: {cuts[98] * 1000:.1f}")
    print(f"smtp_connections_opened: {email.connections_opened}")
    return speedup


def main():
    print(f"notifications: {COUNT}")
    print(f"peer_latency_ms: {LATENCY * 1000:.0f}")
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    peers = []
    for kind in ("twilio", "smtp"):
        bench_end, peer_end = context.Pipe()
        process = context.Process(
            target=serve_peer, args=(kind, LATENCY, peer_end, stop), name=f"{kind}-peer"
        )
        process.start()
        peers.append((process, bench_end))
    answered = {}
    try:
        settings = {}
        for _, bench_end in peers:
            if not bench_end.poll(60):
                raise SystemExit("a loopback peer did not start")
            settings.update(bench_end.recv())
        speedup = asyncio.run(run(Settings(settings)))
        stop.set()
        for _, bench_end in peers:
            answered.update(bench_end.recv() if bench_end.poll(30) else {})
    finally:
        stop.set()
        for process, _ in peers:
            process.join(30)
            if process.is_alive():
                process.terminate()
                process.join()
    print(f"peer_sms_and_call_requests: {answered.get('sms_and_calls', '?')}")
    print(f"peer_mails: {answered.get('mails', '?')}")
    print(f"target_speedup: {TARGET:.0f}")
    print(f"target_met: {'yes' if speedup >= TARGET else 'no'}")


if __name__ == "__main__":
    main()
