"""`streamlit run ...` with a clock on the server's script runs, for bench/browser.py.

    python bench/timed_server.py RUNS_LOG run dashboard.py [streamlit options]

The same as `python -m streamlit run dashboard.py ...`, and every script run that ends
appends one line to RUNS_LOG: the wall-clock time it ended (seconds since the epoch, as
the page's performance.timeOrigin + performance.now() counts) and how it ended
(ScriptRunnerEvent: SCRIPT_STOPPED_WITH_SUCCESS for a full run, FRAGMENT_STOPPED_WITH_SUCCESS,
SCRIPT_STOPPED_FOR_RERUN, ...).

Why: the page sees a run end when it handles the run's last websocket message, and the
browser's main thread handles messages in turn with its own work (drawing what the run
sent before), so a busy page sees the end late. The server's own clock splits a redraw
into the server's part and the browser's.

It wraps a private method of Streamlit's ScriptRunner (`_on_script_finished`, called once
per run, when the script's body is done and before the run's end is sent); when a
Streamlit version has none, it says so and serves without the clock.
"""

from __future__ import annotations

import sys
import threading
import time


def install_clock(path: str) -> bool:
    from streamlit.runtime.scriptrunner import script_runner

    finished = getattr(script_runner.ScriptRunner, "_on_script_finished", None)
    if finished is None:
        print("timed_server: this Streamlit has no ScriptRunner._on_script_finished; no clock")
        return False
    lock = threading.Lock()

    def on_script_finished(self, ctx, event, *args, **kwargs):
        ended = time.time()
        with lock, open(path, "a", encoding="utf-8") as log:
            log.write(f"{ended:.4f} {getattr(event, 'name', event)}\n")
        return finished(self, ctx, event, *args, **kwargs)

    script_runner.ScriptRunner._on_script_finished = on_script_finished
    return True


def main() -> None:
    path, *streamlit_args = sys.argv[1:]
    install_clock(path)
    from streamlit.web import cli

    sys.argv = ["streamlit", *streamlit_args]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
