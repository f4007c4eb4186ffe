"""Policy documents, their versions and acknowledgements: pure domain, no Flask; `now` is always passed in."""
