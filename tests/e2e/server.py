"""The app under browser test, served for real by Werkzeug in its own process.

Run as `python -m tests.e2e.server DATABASE_URL CLOCK_FILE INSTANCE_DIR`; it prints the port it bound, then
serves until terminated. A separate process, not a thread: the rate limiter and login manager are
process-wide objects, so an app built by another test in the same process would switch the server's rate
limits off behind its back.
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

from werkzeug.serving import make_server

from quizapp import create_app
from quizapp.db import utcnow


class FileClock:
    """Real time plus an offset in seconds read from a file, so the test process can move the server's clock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def offset(self) -> float:
        """The current offset in seconds (0 when the file is missing or empty)."""
        try:
            return float(self.path.read_text().strip() or 0)
        except (OSError, ValueError):
            return 0.0

    def __call__(self) -> datetime:
        return utcnow() + timedelta(seconds=self.offset())


def build(database_url: str, clock_file: Path, instance_dir: Path):
    """The production-like app: CSRF and rate limits on (limits in this process's memory), injected clock."""
    app = create_app({
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ["QUIZAPP_E2E_SECRET_KEY"],
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "CLOCK": FileClock(clock_file),
    })
    app.instance_path = str(instance_dir)
    return app


def main(argv: list[str]) -> None:
    """Bind a free loopback port, print it, serve."""
    database_url, clock_file, instance_dir = argv
    app = build(database_url, Path(clock_file), Path(instance_dir))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
