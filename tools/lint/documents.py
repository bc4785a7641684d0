"""The site's settings and Markdown documents, read without Pelican.

`Document` stands in for Pelican's content object with just what the plugins'
pure resolve functions use (slug, title, metadata, `_content`, `source_file`,
`relative_source_path`), so the lint runs the build's own checks on the same HTML
the build would make: the Markdown is converted with the settings' extensions and
the project's two syntax extensions, exactly as Pelican's reader does.
"""

from __future__ import annotations

import os
import runpy
from dataclasses import dataclass, field

from briefs.frontmatter import read_header
from problems import ERROR, WARNING, Problem

from . import blocks as blocks_module

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def load_settings(settings_file: str, content: str | None = None) -> dict:
    """The settings module's upper-case names, with PATH absolute (or `content`)."""
    values = runpy.run_path(os.path.abspath(settings_file))
    settings = {k: v for k, v in values.items() if k.isupper()}
    base = os.path.dirname(os.path.abspath(settings_file))
    path = content or settings.get("PATH") or base
    settings["PATH"] = os.path.abspath(os.path.join(base, path))
    settings.setdefault("ARTICLE_PATHS", [""])
    settings.setdefault("PAGE_PATHS", ["pages"])
    settings.setdefault("PLUGINS", [])
    return settings


@dataclass
class Document:
    source_path: str  # absolute
    source_file: str  # as shown in messages: relative to the project root (content/briefs/x.md)
    relative_source_path: str  # relative to PATH, as Pelican's `{filename}` wants it
    kind: str  # brief | page
    text: str = ""
    lines: list = field(default_factory=list)
    header: dict = field(default_factory=dict)
    body_start: int = 0
    blocks: list = field(default_factory=list)
    slug: str = ""
    title: str = ""
    metadata: dict = field(default_factory=dict)
    _content: str = ""
    problems: list = field(default_factory=list)
    readable: bool = True
    flat_blocks: list = field(default_factory=list)  # (block, flat text, citations), set by rules.check_blocks

    def problem(self, line, col, message, rule, level=ERROR):
        self.problems.append(Problem(self.source_file, line, col, level, message, rule))

    def field(self, name: str) -> str:
        return self.header.get(name, ("", 0))[0]


def discover(settings: dict) -> list[Document]:
    """Every Markdown brief (ARTICLE_PATHS) and page (PAGE_PATHS), briefs first, by path."""
    root = settings["PATH"]
    project = os.path.dirname(root)
    found, seen = [], set()
    for kind, setting in (("page", "PAGE_PATHS"), ("brief", "ARTICLE_PATHS")):
        for sub in settings[setting]:
            top = os.path.join(root, sub)
            for folder, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    path = os.path.join(folder, name)
                    if name.startswith(".") or not name.endswith(MARKDOWN_SUFFIXES) or path in seen:
                        continue
                    seen.add(path)
                    found.append(Document(
                        source_path=path,
                        source_file=_below(path, project),
                        relative_source_path=_below(path, root),
                        kind=kind,
                    ))
    return sorted(found, key=lambda d: (d.kind != "brief", d.source_file))


def tree_problems(settings: dict) -> list[Problem]:
    """What in the content folder the build must not read, found with stat() only (opening a
    FIFO or reading /dev/zero would hang or fill memory):

    - `file` (error): anything that is not a regular file or a folder (a FIFO, a device, a
      socket) and symlinks that dangle or loop. The build stops on these before Pelican reads.
    - `hidden` (warning): a Markdown file whose name, or a folder above it, starts with "."
      (IGNORE_FILES): neither built nor checked, which an editor may not expect."""
    root = settings["PATH"]
    project = os.path.dirname(root)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        inside = any(part.startswith(".") for part in _below(folder, root).split("/") if part not in (".", ""))
        for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            shown = _below(path, project)
            kind = _not_a_file(path)
            if kind:
                found.append(Problem(shown, 1, 1, ERROR, f"{kind}: the build reads only regular files; "
                                     "remove it or replace it with the file itself", "file"))
            elif name.endswith(MARKDOWN_SUFFIXES) and (inside or name.startswith(".")):
                found.append(Problem(shown, 1, 1, WARNING,
                                     "hidden file (its name or a folder above it starts with '.'): it is neither "
                                     "checked nor published; rename it to publish it", "hidden"))
    return found


def _not_a_file(path: str) -> str:
    """Why `path` must not be read ("" if it is a regular file or a folder)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        if os.path.islink(path):
            return f"symlink to {os.readlink(path)!r}, which " + (
                "loops" if e.errno == 40 else "does not exist")
        return f"cannot be read ({e.strerror})"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    return ("symlink to " + repr(os.readlink(path)) + ", " if os.path.islink(path) else "") + what


def _below(path: str, base: str) -> str:
    """`path` relative to `base`, with / (os.path.relpath costs more than the rest of
    discovery, for the paths os.walk gives under `base`)."""
    prefix = base.rstrip(os.sep) + os.sep
    rel = path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, base)
    return os.path.normpath(rel).replace(os.sep, "/")


def read_bytes(doc: Document) -> bytes:
    with open(doc.source_path, "rb") as f:
        return f.read()


def slug_of(doc: Document, data: bytes) -> str:
    """The slug Pelican gives the file: its `Slug:` field, else its file name."""
    head = data[:4096].decode("utf-8", "replace").lstrip("\ufeff")
    slug = read_header(head).get("slug", ("", 0))[0]
    return slug or os.path.splitext(os.path.basename(doc.source_path))[0]


def read(doc: Document, data: bytes | None = None) -> None:
    """Decode the file (reporting a BOM or invalid UTF-8), parse header and blocks."""
    if data is None:
        data = read_bytes(doc)
    if data.startswith(b"\xef\xbb\xbf"):
        doc.problem(1, 1, "file starts with a byte order mark (BOM): save it as UTF-8 without BOM", "encoding")
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        doc.problem(line, col, f"not valid UTF-8 (byte 0x{data[e.start]:02x}): save the file as UTF-8", "encoding")
        doc.readable = False
        return
    doc.text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc.lines = doc.text.split("\n")
    doc.header = read_header(doc.text)
    doc.body_start = blocks_module.body_start(doc.lines)
    doc.blocks = blocks_module.scan(doc.lines, doc.body_start)
    doc.title = doc.field("title")
    doc.slug = doc.field("slug") or slugify(doc.title) or os.path.splitext(os.path.basename(doc.source_path))[0]
    status = doc.field("status")
    doc.metadata = {"summary": doc.field("summary"), "as_of": doc.field("as_of")}
    if status and status.lower() not in ("published", "draft", "hidden", "skip"):
        doc.metadata["brief_status"] = status


def slugify(title: str) -> str:
    from markdown.extensions.toc import slugify as toc_slugify

    return toc_slugify(title, "-")


def markdown_converter(settings: dict):
    """A Markdown instance configured as Pelican's reader configures it: the settings'
    extensions, those the enabled plugins add at `initialized`, then the configured
    ones and `meta`."""
    from markdown import Markdown

    config = dict(settings.get("MARKDOWN") or {})
    configs = dict(config.get("extension_configs") or {})
    extensions = list(config.get("extensions") or []) + plugin_extensions(settings)
    for name in configs:
        if name not in extensions:
            extensions.append(name)
    if "markdown.extensions.meta" not in extensions:
        extensions.append("markdown.extensions.meta")
    # Instances, not names: Markdown looks a name up among every installed package's
    # entry points first, which costs more than converting all the briefs.
    built = [_extension(e, configs.get(e, {})) if isinstance(e, str) else e for e in extensions]
    return Markdown(**{**config, "extensions": built, "extension_configs": {}})


def plugin_extensions(settings: dict) -> list:
    """What each enabled plugin's `add_extension(pelican)` (its `initialized` step)
    appends to MARKDOWN["extensions"], in PLUGINS order. Only plugins that define one
    are imported, so plugins that load Pelican for their other signals cost nothing."""
    import importlib
    from types import SimpleNamespace

    pelican = SimpleNamespace(settings={**settings, "MARKDOWN": {"extensions": []}})
    for name in settings["PLUGINS"]:
        for folder in settings.get("PLUGIN_PATHS") or []:
            init = os.path.join(folder, name, "__init__.py")
            if os.path.isfile(init):
                with open(init, encoding="utf-8") as f:
                    if "def add_extension(" in f.read():
                        importlib.import_module(name).add_extension(pelican)
                break
    return pelican.settings["MARKDOWN"]["extensions"]


def _extension(name: str, config: dict):
    """'package.module' (its makeExtension) or 'package.module:Class', as Markdown resolves dotted names."""
    import importlib

    module_name, _, class_name = name.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)(**config) if class_name else module.makeExtension(**config)


def convert(doc: Document, md) -> None:
    """The document's HTML, and the problems Markdown extensions found while making it
    (they leave them in the metadata, `problems.META_KEY`, for the problems plugin)."""
    from problems import META_KEY, decode

    md.reset()
    try:
        doc._content = md.convert(doc.text)
    except RecursionError:  # nesting the sanitizer's limits did not foresee: a problem, not a crash
        doc.problem(1, 1, "this Markdown nests too deeply to convert (lists or quotes inside each other): "
                    "flatten it", "size")
        return
    for line, col, level, rule, message in decode((getattr(md, "Meta", None) or {}).get(META_KEY)):
        doc.problem(line, col, message, rule, level)
