"""What the desk reads from the store and the roster, shaped for its screens; no Textual here,
so these run in worker threads and in the bench."""
