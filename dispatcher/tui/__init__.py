"""The Textual desk. Only this package imports textual."""
