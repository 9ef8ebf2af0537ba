"""A built-in drill scenario's pages reach a Chinese-speaking engineer in Chinese (PROMISES 7):
what the product wrote for the scenario (its summary "… down in …", its made-up customer) is
said in the engineer's language, as the desk's drill screen says it; names from the roster
(products, sites, product lines) stay as the roster writes them."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.outbox import Purpose
from dispatcher.engine.clock import SystemClock
from dispatcher.engine.runtime import Engine
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.outbox import OutboxRepository
from tests.i18n.english import english_words

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"


def test_a_builtin_drills_pages_to_chinese_speakers_carry_no_english_the_product_wrote(
    tmp_path, monkeypatch, quiet_environ
):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    started = CliRunner().invoke(
        cli,
        [
            "drill",
            "run",
            "drill-pl-core",
            "--no-wait",
            "--roster",
            str(SAMPLE),
            "--data",
            str(data),
        ],
        env=quiet_environ,
    )
    assert started.exit_code == 0, started.output
    sr_id = started.stdout.strip().splitlines()[-1]
    roster = load_roster(SAMPLE)

    async def one_pass() -> None:
        with Store(data) as store:
            plugins = PluginManager(environ=quiet_environ, store=store).load()
            engine = Engine(store, roster, plugins, SystemClock())
            await engine.tick()
            await engine.aclose()

    asyncio.run(one_pass())
    with Store(data) as store:
        pages = [r for r in OutboxRepository(store).for_sr(sr_id) if r.purpose == Purpose.PAGE]
    chinese = [p for p in pages if p.language == "zh"]
    assert chinese, [(p.person, p.language) for p in pages]
    # the names the roster gives (product, site, product line, person) may stay as written
    given = (
        {
            word
            for unit in roster.units.values()
            for text in (unit.name, *unit.sites)
            for word in re.findall(r"[A-Za-z]+", text)
        }
        | {
            word
            for product in roster.products.values()
            for word in re.findall(r"[A-Za-z]+", f"{product.id} {product.name}")
        }
        | {
            word
            for line in roster.product_lines.values()
            for word in re.findall(r"[A-Za-z]+", line.name)
        }
    )
    for page in chinese:
        for text in (page.short_text, page.long_text, page.spoken_text):
            assert "中断" in text and "演练电信(虚构)" in text, text
            assert not english_words(text, given), (english_words(text, given), text)
