"""The domain: pure Python, no I/O, no asyncio, no Textual."""
