"""Compile the gettext catalogues: each `locale/<lang>/LC_MESSAGES/dispatcher.po` to its `.mo`.

Used twice, so the two never differ: by `setup.py` when the package is built (a wheel, an
editable install, `make install`), and by `dispatcher.i18n` at run time when a `.mo` is
missing or older than its `.po` (a fresh clone, a catalogue just edited). Imports only Babel,
so a build can load this file on its own.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "dispatcher"


def compiled(po_file: Path) -> bytes:
    """The `.mo` bytes of one `.po` file (fuzzy entries left out, as msgfmt does)."""
    with po_file.open("rb") as source:
        catalog = read_po(source, domain=DOMAIN)
    out = BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write every catalogue's `.mo` beside its `.po`; returns the files written."""
    written = []
    for po_file in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_file = po_file.with_suffix(".mo")
        mo_file.write_bytes(compiled(po_file))
        written.append(mo_file)
    return written
