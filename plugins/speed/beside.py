"""Run a function in a forked child process while this process goes on, each on its own
core: the build's lint beside Pelican (tools/build.py), and half of the pages a cold build
renders (writer.py).

`Beside(function)` forks at once; `result()` returns what the function returned, or raises
what it raised, reading it from a pipe. The result may be read in another process forked
after this one (Pelican's own child, at `get_writer`): only the process that started the
child reaps it, in `close()`. Where fork is missing, or the child died without an answer
(killed, out of memory), the function runs in the process that asks, so a result is never
lost, only later.

`nice`: the child runs at a lower priority, for work that can wait for a core the caller
leaves idle (the lint), never for work the caller is waiting on (the pages it renders).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import traceback


class BesideFailed(Exception):
    """The function raised something that cannot cross a pipe; the message is its traceback."""


class Beside:
    def __init__(self, function, nice: int = 0):
        self.function = function
        self.owner = os.getpid()
        self.pid: int | None = None
        self.read_end: int | None = None
        self.answer = None  # (kind, value) once read
        if not hasattr(os, "fork"):
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_end)
            gc.disable()  # short-lived: its garbage goes with it
            if nice:
                try:
                    os.nice(nice)
                except OSError:
                    pass
            try:
                try:
                    data = pickle.dumps(("ok", function()))
                except BaseException as e:  # noqa: BLE001 - raised again where the result is asked for
                    try:
                        data = pickle.dumps(("raised", e))
                    except Exception:  # noqa: BLE001
                        data = pickle.dumps(("failed", traceback.format_exc().rstrip()))
                with os.fdopen(write_end, "wb") as f:
                    f.write(data)
            finally:
                os._exit(0)
        os.close(write_end)
        self.pid, self.read_end = pid, read_end

    def result(self):
        if self.answer is None:
            self.answer = self._read()
        kind, value = self.answer
        if kind == "raised":
            raise value
        if kind == "failed":
            raise BesideFailed(value)
        return value

    def _read(self):
        data = b""
        if self.read_end is not None:
            read_end, self.read_end = self.read_end, None
            with os.fdopen(read_end, "rb") as f:
                data = f.read()
        if data:
            return pickle.loads(data)
        try:  # no child, or it died without answering: do the work here
            return ("ok", self.function())
        except Exception as e:  # noqa: BLE001 - as the child would have
            return ("raised", e)

    def close(self) -> None:
        """Stop the child if it is still running (a build that failed before asking), and
        reap it. Only the process that started it can."""
        if self.read_end is not None:
            os.close(self.read_end)
            self.read_end = None
        if self.pid is None or os.getpid() != self.owner:
            return
        pid, self.pid = self.pid, None
        try:
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        except ChildProcessError:
            pass
