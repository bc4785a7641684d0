"""One page per thread (`/threads/<id>/`): its summary, its briefs in story order with status
and as-of, and its graph; written in the writer phase like the timeline page."""

from __future__ import annotations

from pelican.generators import Generator

from . import DEFAULT_SAVE_AS


def _link(group) -> dict:
    # Title and URL only: a thread page does not change when another thread's briefs do.
    return {"title": group["thread"].title, "url": group["url"]}


class ThreadPagesGenerator(Generator):
    def generate_output(self, writer):
        save_as = self.settings.get("THREAD_SAVE_AS", DEFAULT_SAVE_AS)
        if not save_as:
            return
        groups = self.context.get("threads", [])
        for position, group in enumerate(groups):
            writer.write_file(
                save_as.format(id=group["thread"].id),
                self.get_template("thread"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                group=group,
                thread_count=len(groups),
                previous_thread=_link(groups[position - 1]) if position else None,
                next_thread=_link(groups[position + 1]) if position + 1 < len(groups) else None,
            )
