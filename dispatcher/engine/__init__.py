"""The engine: the asyncio runtime behind the desk and `dispatcher engine`."""
