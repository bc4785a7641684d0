"""`make devserver`: build, serve output/ on 127.0.0.1, rebuild on every save, and
reload the browser by itself.

- Builds run in a build process (`python -m tools.build --stay`) that keeps
  imports, compiled templates and converted Markdown in memory, and refreshes the
  search index in the background after each build, so a save shows in well under a
  second on this site. When a plugin's Python or a settings file changes, a new
  process is started (Python imports code once). A failed build leaves output/ as
  it was.
- Watches the content folder, the theme, plugins/ (watchfiles) and the settings
  files; changes that arrive during a build cause one more build after it.
- Every HTML page it serves gets `<script src="/__livereload.js" data-build="ID">`
  (an external script: the pages' CSP forbids inline ones). The script listens to
  `/__events` (server-sent events) and reloads the page when a new build finishes.
- While the last build failed, every page is an error page listing the problems
  (`path:line:col: ...`), so a stale page never passes for the current one; the
  next good build brings the page back.
- `/__build` answers {"id", "ok", "problems"} as JSON, for tools and tests.

Nothing of this reaches output/: the script is added on the way out.
"""

from __future__ import annotations

import html
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from urllib.parse import unquote, urlsplit

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "livereload.js")
PROBLEM_PREFIX = ("error", "warning")
CODE = os.path.join(HERE, "plugins") + os.sep  # Python the build process imports once


class State:
    """The last finished build, shared by the builder and the request threads."""

    def __init__(self):
        self.changed = threading.Condition()
        self.id = "0"
        self.ok = False
        self.log = "The first build has not finished yet."
        self.problems: list[str] = []

    def finish(self, ok: bool, log: str) -> None:
        with self.changed:
            self.id = str(time.time_ns())
            self.ok, self.log = ok, log
            self.problems = [line for line in log.splitlines() if ": [error] " in line or ": [warning] " in line
                             or line.startswith("::")]
            self.changed.notify_all()

    def wait(self, seen: str, timeout: float) -> str:
        with self.changed:
            self.changed.wait_for(lambda: self.id != seen, timeout)
            return self.id


class Builder:
    def __init__(self, state: State, command: list[str], quiet: bool = False):
        self.state, self.command, self.quiet = state, command, quiet
        self.wanted = threading.Event()
        self.stopping = threading.Event()
        self.watching = threading.Event()
        self.restart = threading.Event()  # code changed: the next build needs a new process
        self.process: subprocess.Popen | None = None

    def _ask(self, command: str) -> dict | None:
        """One answer of the build process (started, or restarted, as needed); None if it died."""
        if self.restart.is_set() or self.process is None or self.process.poll() is not None:
            self.restart.clear()
            self.close()
            self.process = subprocess.Popen(self.command, cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, text=True)
        try:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        return json.loads(line) if line else None

    def build(self) -> None:
        started = time.monotonic()
        answer = self._ask("build")
        if answer is None:
            code = self.process.wait()
            self.process = None
            ok, log = False, (f"The build process stopped unexpectedly (exit status {code}); "
                              "the next save starts a new one.")
        else:
            ok, log = answer["ok"], answer["log"]
        self.state.finish(ok, log)
        if not self.quiet:
            stamp = time.strftime("%H:%M:%S")
            lines = [line for line in log.splitlines() if not line.startswith(("Done: ", "pages and ", "and 0 draft"))]
            verdict = "built" if ok else "build FAILED"
            print(f"[{stamp}] {verdict} in {time.monotonic() - started:.1f}s", flush=True)
            if not ok or any(": [warning] " in line for line in lines):
                print("\n".join(lines), flush=True)

    def close(self) -> None:
        if self.process is not None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
            self.process = None

    def run(self) -> None:
        while not self.stopping.is_set():
            if self.wanted.wait(0.2):
                self.wanted.clear()
                self.build()
        self.close()


def watch(paths: list[str], files: list[str], builder: Builder) -> None:
    """Ask for a build on every change under `paths` or to one of `files` (polled:
    editors that save by renaming would break a watch on the file itself)."""
    import watchfiles

    def signature():
        sig = []
        for f in files:
            try:
                st = os.stat(f)
                sig.append((f, st.st_mtime_ns, st.st_size))
            except OSError:
                sig.append((f, None, None))
        return sig

    seen = signature()
    for changes in watchfiles.watch(*paths, stop_event=builder.stopping, yield_on_timeout=True,
                                    rust_timeout=300, raise_interrupt=False):
        builder.watching.set()  # the first pass (a timeout) means the watches are in place
        now = signature()
        if now != seen or any(path.endswith(".py") and path.startswith(CODE) for _, path in changes or ()):
            builder.restart.set()
        if changes or now != seen:
            seen = now
            builder.wanted.set()


def error_page(state: State) -> str:
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in state.problems)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }}
h1 {{ color: #a4161a; }} code, pre {{ font: 14px/1.5 ui-monospace, monospace; }}
ul {{ padding-left: 1.2rem; }} li {{ margin: .3rem 0; }} pre {{ background: #f3f3ef; padding: 1rem; overflow: auto; }}
</style>
<script src="/__livereload.js" data-build="{state.id}" defer></script>
</head>
<body>
<h1>Build failed</h1>
<p>The site was not rebuilt; fix the problems below and save. This page reloads by itself
when the next build finishes.</p>
<ul class="problems">
{items}
</ul>
<details{' open' if not state.problems else ''}><summary>Build output</summary>
<pre>{html.escape(state.log)}</pre>
</details>
</body>
</html>
"""


def make_handler(state: State, output: str):
    with open(SCRIPT, "rb") as f:
        script = f.read()

    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=output, **kwargs)

        def log_message(self, *args):
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def send_body(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
            if path == "/__livereload.js":
                return self.send_body(200, script, "text/javascript; charset=utf-8")
            if path == "/__build":
                data = {"id": state.id, "ok": state.ok, "problems": state.problems}
                return self.send_body(200, json.dumps(data).encode(), "application/json")
            if path == "/__events":
                return self.events()
            file = self.translate_path(self.path)
            if os.path.isdir(file):
                if not path.endswith("/"):
                    return super().do_GET()  # the redirect to the folder's URL
                file = os.path.join(file, "index.html")
            is_page = file.endswith(".html")
            if is_page or not os.path.exists(file):
                if not state.ok:
                    return self.send_body(500, error_page(state).encode(), "text/html; charset=utf-8")
            if is_page and os.path.isfile(file):
                return self.page(file, 200)
            if not os.path.exists(file) and os.path.isfile(os.path.join(output, "404.html")):
                return self.page(os.path.join(output, "404.html"), 404)
            return super().do_GET()

        def page(self, file: str, status: int) -> None:
            with open(file, "rb") as f:
                body = f.read()
            tag = f'<script src="/__livereload.js" data-build="{state.id}" defer></script>'.encode()
            at = body.find(b"</head>")
            body = body[:at] + tag + body[at:] if at >= 0 else body + tag
            self.send_body(status, body, "text/html; charset=utf-8")

        def events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            seen = None
            try:
                self.wfile.write(b"retry: 500\n\n")
                while True:
                    current = state.id if seen is None else state.wait(seen, 15)
                    if current != seen:
                        self.wfile.write(f"data: {current}\n\n".encode())
                        seen = current
                    else:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # event streams never end by themselves
    allow_reuse_address = True


def serve(settings: str, output: str, content: str | None, host: str, port: int, quiet: bool = False) -> int:
    sys.path.insert(0, os.path.join(HERE, "plugins"))
    from tools.lint.documents import load_settings

    from tools import atomic
    from tools.build import output_folder

    settings = os.path.abspath(settings)
    try:  # the build process would refuse every build; say so once, before serving
        output = output_folder(output, {"PATH": os.path.abspath(content)} if content else None)
    except atomic.UnsafeOutput as e:
        print(f"devserver: refused: {e}", file=sys.stderr)
        return 2
    config = load_settings(settings, content)
    command = [sys.executable, "-m", "tools.build", "--stay", "--settings", settings, "--output", output]
    if content:
        command += ["--content", os.path.abspath(content)]
    state = State()
    builder = Builder(state, command, quiet)
    try:
        server = Server((host, port), make_handler(state, output))
    except OSError as e:
        print(f"devserver: cannot listen on {host}:{port}: {e.strerror} (try PORT=8001)", file=sys.stderr)
        return 1
    watched = [config["PATH"], os.path.join(HERE, "plugins")]
    theme = config.get("THEME")
    if theme and os.path.isdir(theme):
        watched.append(theme)
    files = sorted({settings, os.path.join(HERE, "pelicanconf.py"), os.path.join(HERE, "publishconf.py")})

    url = f"http://{host}:{server.server_address[1]}/"
    print(f"devserver: building, then serving {os.path.relpath(output)}/ at {url} (Ctrl-C to stop)", flush=True)
    # Watch before the first build, so that a save during it is not missed.
    threading.Thread(target=watch, args=(watched, files, builder), name="watcher", daemon=True).start()
    builder.watching.wait(10)
    builder.build()
    for target in (builder.run, server.serve_forever):
        threading.Thread(target=target, daemon=True).start()
    print(f"devserver: serving {url}; watching {', '.join(os.path.relpath(p) for p in watched)} and the settings",
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("devserver: stopped", file=sys.stderr)
    finally:
        builder.stopping.set()
        builder.close()
        server.shutdown()
        server.server_close()
    return 0
