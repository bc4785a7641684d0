"""Reuse a page's HTML from the last build when nothing it shows has changed.

Rendering templates is most of the writing time, and after an edit to one brief
almost every page renders to the same bytes. Each page written through
`Writer.write_file` (briefs, pages, the timeline, the sources page, the home page; not
a list Pelican splits into several pages) is keyed by a hash of everything its template
can read:

- the code and theme fingerprints (plugins, settings, package versions, templates);
- the template's name and the output file's name (which fixes the relative SITEURL);
- every variable the template (with what it extends, includes and imports) names, as
  Jinja's own `meta.find_undeclared_variables` lists them, from the page's context;
- for each document among those values: all its attributes (its HTML, metadata and
  what plugins attached: sources list, contents, events, backlinks...), and the
  attributes of every document it refers to (a backlink, a translation); the HTML
  of those others only if the template reads some document's `.content` at all
  (or an attribute by a computed name), or if they have no Summary: (Pelican would
  cut one from the HTML).

Values are encoded with pickle (no memo, so equal values give equal bytes; documents
and tags by name). A page is reused only if it would render from equal inputs: a
template that reads `articles` depends on every brief, which is correct, only slower.
What came out of the template last time is kept in the cache folder
(`pages/KEY.html`, with a hash of its bytes checked before use) and written to the
new output in place of a rendering; `content_written` is sent for it as for a
rendered page, so plugins that collect pages (the sitemap) see every page.

Pages that must be rendered are not rendered when Pelican asks: each is noted with a
copy of its context, and all are rendered at `finalized` (`render_pending`). When there
are many (a cold build), a forked child renders every other one while this process
renders the rest, each on its own core; the child hands back what it stored, and
`content_written` is sent here for its pages. The bytes are the same as rendering
each page when asked: each renders from the context it would have had, and the shared
context's `localsiteurl`, which documents read while rendering, is set before each
render as Pelican's writer sets it.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil

import logging

import jinja2.meta
import jinja2.nodes
from pelican.contents import Content
from pelican.plugins import signals
from pelican.urlwrappers import URLWrapper
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from .beside import Beside
from .fingerprint import new_hash
from .reader import workers

log = logging.getLogger(__name__)
SKIP_ATTRS = {"_context", "settings"}  # the whole site, and the settings (fingerprinted)
MIN_SPLIT = 32  # pages to render below which a forked child costs more than it saves
# The child's pages are shared with the build's until either writes to them; rendering
# touches most objects, so the child ends up holding a copy of about 40% of the build's
# memory (483 MB more at 10,000 briefs, 1.8 GB in all). Above this much resident memory
# the build renders alone, which keeps a site of 10,000 briefs within 2 GB.
SPLIT_MAX_MB = 768
_MISSING = object()


def _kinds(base: type) -> list[type]:
    """`base` and every class derived from it."""
    found, todo = [], [base]
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return found


def _wrapper(obj):
    return str, (f"{type(obj).__name__}:{obj.name}",)


def _encode(value, types: tuple | None = None) -> tuple[bytes, list]:
    """(bytes, documents referred to) for a value; raises if it cannot be encoded.

    Pickle as a deterministic encoding: no memo (equal values give equal bytes), documents
    and tags by name (each document is hashed once, on its own). By the pickler's table of
    types, not `reducer_override`: that is a Python call for every object that is not a
    plain str, int, list... (each Markup string), a third of the time of a page's key.
    `types`: `_types()`, found once per build by the caller."""
    refs: list = []

    def document(obj):
        refs.append(obj)
        return str, (f"doc:{obj.source_path}",)

    f = io.BytesIO()
    pickler = pickle.Pickler(f, protocol=5)
    pickler.fast = True  # no memo: a value's bytes do not depend on what it shares
    documents, wrappers = types or _types()
    pickler.dispatch_table = {**dict.fromkeys(documents, document), **dict.fromkeys(wrappers, _wrapper)}
    pickler.dump(value)
    return f.getvalue(), refs


def _types() -> tuple[tuple, tuple]:
    """Content and URLWrapper, each with every class derived from it."""
    return tuple(_kinds(Content)), tuple(_kinds(URLWrapper))


class Digests:
    """Hashes of documents and context values, memoized for one build."""

    def __init__(self):
        self.types = _types()  # walking the class tree for each value cost more than encoding most
        self.docs: dict[tuple[int, bool | None], tuple[bytes, list]] = {}  # None: without its HTML, always
        self.values: dict[tuple[int, bool], tuple[object, bytes]] = {}

    def doc(self, doc: Content, content: bool = True) -> tuple[bytes, list]:
        """A document's own attributes (documents it refers to count by path), and
        the documents it refers to; without its HTML if not `content`. With it, the
        digest is that of the attributes without it, then the HTML: the attributes are
        encoded once per document, whichever pages ask."""
        if not content and "summary" not in (getattr(doc, "metadata", None) or {}):
            content = True  # Pelican makes its summary from its HTML
        found = self.docs.get((id(doc), content))
        if found is None:
            if content:
                bare, refs = self._bare(doc)
                data, more = _encode(getattr(doc, "_content", None), self.types)
                h = new_hash()
                h.update(bare + b"\0_content\0" + data)
                found = (h.digest(), refs + more)
            else:
                found = self._bare(doc)
            self.docs[(id(doc), content)] = found
        return found

    def _bare(self, doc: Content) -> tuple[bytes, list]:
        found = self.docs.get((id(doc), None))
        if found is None:
            state = {k: v for k, v in vars(doc).items() if k not in SKIP_ATTRS and k != "_content"}
            data, refs = _encode(sorted(state.items(), key=lambda kv: kv[0]), self.types)
            h = new_hash()
            h.update(data)
            found = self.docs[(id(doc), None)] = (h.digest(), refs)
        return found

    def value(self, value, content: bool = True) -> bytes:
        """A value with, for each document in it, that document's own digest (with
        its HTML only if `content`: only a template that reads `.content` shows it)."""
        cached = self.values.get((id(value), content))
        if cached is not None and cached[0] is value:
            return cached[1]
        h = new_hash()
        if isinstance(value, Content):
            digest, refs = self.doc(value)  # a page's own document: always all of it
            h.update(digest)
        else:
            data, refs = _encode(value, self.types)
            h.update(data)
        seen = {id(value)}
        for ref in sorted(refs, key=lambda d: str(d.source_path)):
            if id(ref) not in seen:
                seen.add(id(ref))
                h.update(self.doc(ref, content)[0])
        digest = h.digest()
        self.values[(id(value), content)] = (value, digest)  # keep `value` alive: its id is not reused
        return digest


CONTENT_ATTRS = {"content", "_content", "get_content"}


def template_names(env, name: str, seen=None, memo: dict | None = None) -> set[str]:
    """Variables a template and the templates it pulls in may read from the context;
    "*" if it includes a template by a computed name (it may read anything), and
    ".content" if it may read any document's HTML (`.content`, `["content"]`,
    `|attr(...)`; an index by a variable, `x[i]`, is taken for a list's). A summary
    counts as HTML only for a document without a Summary: (then Pelican cuts it
    from the HTML). `memo` (one per build): each template's own names, so a template that
    many pull in (base.html, macros.html) is parsed once, not once for each (0.08 s each)."""
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    own = memo.get(name) if memo is not None else None
    if own is None:
        own = _own_names(env, name)
        if memo is not None:
            memo[name] = own
    names, refs = own
    if refs is None:
        return {"*"}
    names = set(names)
    for ref in refs:
        names |= template_names(env, ref, seen, memo)
    return names


def _own_names(env, name: str) -> tuple[frozenset, tuple | None]:
    """What one template reads itself, and the templates it names (None: one by a computed name)."""
    source = env.loader.get_source(env, name)[0]
    ast = env.parse(source)
    names = set(jinja2.meta.find_undeclared_variables(ast))
    for node in ast.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem, jinja2.nodes.Filter)):
        if isinstance(node, jinja2.nodes.Getattr):
            reads = node.attr in CONTENT_ATTRS
        elif isinstance(node, jinja2.nodes.Getitem):  # x["content"]; x[i] is taken for a list index
            reads = getattr(node.arg, "value", None) in CONTENT_ATTRS
        else:  # x|attr(name): any attribute
            reads = node.name == "attr"
        if reads:
            names.add(".content")
    refs = tuple(jinja2.meta.find_referenced_templates(ast))
    return frozenset(names), (None if None in refs else refs)


class PageStore:
    """Rendered pages by key, in `folder`; the index maps key -> hash of the bytes."""

    def __init__(self, folder: str, fingerprint: str):
        self.folder = folder
        self.fingerprint = fingerprint
        self.index_path = os.path.join(folder, "index.json")
        try:
            with open(self.index_path, encoding="utf-8") as f:
                saved = json.load(f)
        except (OSError, ValueError):
            saved = {}
        if saved.get("fingerprint") != fingerprint:
            saved = {}
        self.index: dict[str, str] = saved.get("pages", {})
        # Which variables each template reads depends on the theme only (fingerprinted):
        # parsing the templates for it every build would cost more than the reuse saves.
        self.names: dict[str, set] = {k: set(v) for k, v in saved.get("templates", {}).items()}
        self._own_names: dict = {}  # template_names' memo for this build
        self.used: dict[str, str] = {}
        self.digests = Digests()
        self.reused = self.rendered = self.in_child = 0

    def key(self, template, name: str, relative_urls: bool, context: dict, kwargs: dict) -> str | None:
        """The page's key, or None when its inputs cannot be told (then it is rendered)."""
        try:
            return self._key(template, name, relative_urls, context, kwargs)
        except Exception as e:  # noqa: BLE001 - an input pickle cannot encode: just render
            log.debug("speed: rendering %s (%s)", name, e)
            return None

    def _key(self, template, name, relative_urls, context, kwargs) -> str | None:
        names = self.names.get(template.name)
        if names is None:
            names = self.names[template.name] = template_names(template.environment, template.name,
                                                               memo=self._own_names)
        if "*" in names:
            return None
        content = ".content" in names
        h = new_hash()
        h.update(f"{self.fingerprint}\0{template.name}\0{name}\0{bool(relative_urls)}\0".encode())
        for var in sorted(names):
            value = kwargs.get(var, context.get(var, _MISSING))
            if value is _MISSING:
                continue
            h.update(var.encode() + b"=" + self.digests.value(value, content))
        for var in sorted(kwargs):
            if var not in names:
                h.update(var.encode() + b"=" + self.digests.value(kwargs[var], content))
        return h.hexdigest()

    def get(self, key: str) -> str | None:
        """The stored page's file, if it still holds the bytes it was stored with."""
        digest = self.index.get(key)
        if digest is None:
            return None
        path = os.path.join(self.folder, key + ".html")
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return None
        h = new_hash()
        h.update(data)
        if h.hexdigest() != digest:
            return None
        self.used[key] = digest
        self.reused += 1
        return path

    @staticmethod
    def place(stored: str, path: str) -> None:
        """Put a stored page at `path`: a hard link (half the time of writing it), else a copy."""
        try:
            os.link(stored, path)
        except OSError:
            shutil.copyfile(stored, path)

    def put(self, key: str, text: str, written: str) -> None:
        data = text.encode("utf-8")
        h = new_hash()
        h.update(data)
        os.makedirs(self.folder, exist_ok=True)
        path = os.path.join(self.folder, key + ".html")
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        try:
            os.link(written, path)  # the file just written holds exactly `text`
        except OSError:
            with open(path, "wb") as f:
                f.write(data)
        self.used[key] = h.hexdigest()
        self.rendered += 1

    def commit(self) -> None:
        """Keep what this build used; forget the rest."""
        os.makedirs(self.folder, exist_ok=True)
        tmp = self.index_path + ".tmp"
        saved = {
            "fingerprint": self.fingerprint,
            "templates": {k: sorted(v) for k, v in self.names.items()},
            "pages": self.used,
        }
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(saved, f, sort_keys=True)
        os.replace(tmp, self.index_path)
        for entry in os.scandir(self.folder):
            if entry.name.endswith(".html") and entry.name[:-5] not in self.used:
                os.unlink(entry.path)


class _Tee:
    """A file opened by the writer for a page: the page filters apply to what is
    written, and it is remembered (for the page store)."""

    def __init__(self, f, name: str, filters):
        self.f = f
        self.name = name
        self.filters = filters
        self.parts: list[str] = []

    def write(self, text):
        for page_filter in self.filters:
            text = page_filter(text, self.name)
        self.parts.append(text)
        return self.f.write(text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.f.__exit__(*exc)


class ReusingWriter(Writer):
    """Pelican's Writer, which reuses a page's last HTML when its key matches, and
    passes each rendered page through `filters` (functions (html, output name) -> html
    that other plugins add, such as sanitize's rel on external links)."""

    store: PageStore | None = None  # set by the plugin for each build
    filters: list = []
    current: "ReusingWriter | None" = None  # this build's writer, for `render_pending`

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tee: _Tee | None = None
        self._capture: str | None = None  # the page being rendered
        self._pending: list[_Job] = []
        ReusingWriter.current = self

    def _open_w(self, filename, encoding, override=False):
        f = super()._open_w(filename, encoding, override)
        if self._capture is not None:
            self._tee = _Tee(f, self._capture, self.filters)
            return self._tee
        return f

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        store = self.store
        if paginated is None:  # as Writer.write_file decides whether to paginate
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}} or None
        paginates = bool(paginated) and self._pages_per(template_name)
        key = None if not name or store is None or paginates else store.key(template, name, relative_urls, context, kwargs)
        stored = store.get(key) if key else None
        if stored is None:
            job = _Job(key, name, template, context, context.copy(), relative_urls, paginated,
                       template_name, override_output, url, kwargs)
            if key and not override_output:
                self._pending.append(job)  # rendered at `finalized`, perhaps on the other core
                _set_localsiteurl(context, _localsiteurl(context, name, relative_urls, kwargs))  # as if rendered now
            else:
                self._render(job)
            return None
        # What Writer.write_file would have done, minus the rendering.
        localcontext = _localcontext(context, name, relative_urls, kwargs)
        _set_localsiteurl(context, localcontext["localsiteurl"])
        path = sanitised_join(self.output_path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if self._note_write(path, override_output):
            if os.path.lexists(path):  # overridden: replace it, as Writer would
                os.unlink(path)
            store.place(stored, path)
        signals.content_written.send(path, context=localcontext)
        return None

    def _render(self, job: "_Job", note: bool = True) -> None:
        """Render one page as Writer.write_file would, from the context it was asked with,
        and keep it in the page store. `note`: log it (a child's log lines stay there)."""
        # Documents read it while rendering.
        _set_localsiteurl(job.shared, _localsiteurl(job.context, job.name, job.relative_urls, job.kwargs))
        self._capture, self._tee = job.name or "", None
        try:
            super().write_file(job.name, job.template, job.context, job.relative_urls, job.paginated,
                               job.template_name, job.override_output, job.url, **job.kwargs)
        finally:
            self._capture = None
        if job.key and self._tee is not None and self.store is not None:
            self.store.put(job.key, "".join(self._tee.parts), sanitised_join(self.output_path, job.name))
            if note:
                log.debug("speed: rendered %s", job.name)

    def render_pending(self) -> None:
        """Render the pages put off while Pelican wrote the site: every other one in a
        forked child when there are many and more than one core, the rest here."""
        jobs, self._pending = self._pending, []
        if not jobs:
            return
        if (len(jobs) < MIN_SPLIT or workers(self.settings) < 2 or not hasattr(os, "fork")
                or _resident_mb() > self.settings.get("SPEED_SPLIT_MAX_MB", SPLIT_MAX_MB)):
            for job in jobs:
                self._render(job)
            return
        store = self.store
        theirs = jobs[1::2]
        here = os.getpid()

        def render_theirs() -> tuple[bool, dict[str, str]]:
            # Beside runs this here instead when the child died without an answer (killed,
            # out of memory): then the pages are rendered, counted and noted as any other.
            for job in theirs:
                self._render(job, note=os.getpid() == here)
            return os.getpid() != here, {job.key: store.used[job.key] for job in theirs if job.key in store.used}

        child = Beside(render_theirs)
        try:
            for job in jobs[0::2]:
                self._render(job)
            in_child, stored = child.result()
        finally:
            child.close()
        if not in_child:
            return
        store.used.update(stored)
        store.rendered += len(theirs)
        store.in_child = len(theirs)
        for job in theirs:  # what Writer.write_file did there, here: the file is written
            path = sanitised_join(self.output_path, job.name)
            self._note_write(path, job.override_output)
            log.debug("speed: rendered %s", job.name)
            localcontext = _localcontext(job.context, job.name, job.relative_urls, job.kwargs)
            signals.content_written.send(path, context=localcontext)

    def _pages_per(self, template_name) -> int | None:
        """How many items a page of this template holds, if Pelican splits it into pages. A
        list that is not split (DEFAULT_PAGINATION False: the home page) is one page, made
        from what its key holds (the list's documents, the settings), so it is reused too."""
        templates = self.settings.get("PAGINATED_TEMPLATES", {})
        if template_name not in templates:
            return None
        return templates[template_name] or self.settings.get("DEFAULT_PAGINATION") or None

    def _note_write(self, path: str, override: bool) -> bool:
        """Writer._open_w's checks, for a file written here; False: skip it as Writer would."""
        if path in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{path}" a second time')
            return False
        if path in self._written_files and not override:
            raise FileOverwriteFailedError(f'Failed to overwrite "{path}" as Pelican has already written to it')
        if override:
            self._overridden_files.add(path)
        self._written_files.add(path)
        return True


class _Job:
    """A page to render: Writer.write_file's arguments, with a copy of the context as it
    was when Pelican asked (`context`) and the shared context itself (`shared`)."""

    __slots__ = ("key", "name", "template", "shared", "context", "relative_urls", "paginated",
                 "template_name", "override_output", "url", "kwargs")

    def __init__(self, key, name, template, shared, context, relative_urls, paginated,
                 template_name, override_output, url, kwargs):
        self.key, self.name, self.template = key, name, template
        self.shared, self.context = shared, context
        self.relative_urls, self.paginated, self.template_name = relative_urls, paginated, template_name
        self.override_output, self.url, self.kwargs = override_output, url, kwargs


def _localcontext(context: dict, name: str, relative_urls: bool, kwargs: dict) -> dict:
    """The context Writer.write_file renders a page that is not split into pages with."""
    localcontext = context.copy()
    localcontext["localsiteurl"] = _localsiteurl(context, name, relative_urls, {})
    if relative_urls:
        localcontext["SITEURL"] = localcontext["localsiteurl"]
    localcontext["output_file"] = name
    localcontext.update(kwargs)
    return localcontext


def _localsiteurl(context: dict, name: str, relative_urls: bool, kwargs: dict):
    """The `localsiteurl` a page renders with (`_localcontext` takes it from here), without
    copying the whole context for it."""
    if "localsiteurl" in kwargs:
        return kwargs["localsiteurl"]
    if relative_urls:
        return path_to_url(get_relative_path(name))
    return context.get("localsiteurl")


def _resident_mb() -> float:
    """This process's resident memory now (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource  # noqa: PLC0415 - only where /proc is missing

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _set_localsiteurl(shared: dict, localsiteurl) -> None:
    """As Writer.write_file sets it on the shared context before rendering."""
    if localsiteurl:
        shared["localsiteurl"] = localsiteurl
