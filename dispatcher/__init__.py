"""dispatcher: a terminal dispatch desk for the night shift of a 24-hour service centre."""

__version__ = "0.1.0"
