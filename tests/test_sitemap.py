"""sitemap.xml and robots.txt: every published page once, absolute URLs under SITEURL."""

SOURCES = """
    - id: wire-2025-03-25
      type: webpage
      title: A fixture wire story
      container-title: Fixture Wire
      issued: 2025-03-25
      URL: https://example.org/wire
"""

ALPHA = """
    Title: Alpha talks
    Slug: alpha
    Summary: What the alpha talks settled.
    Status: agreed
    As_of: 2025-04-18
    Date: 2025-04-01

    Alpha [@wire-2025-03-25].
"""

FILES = {
    "content/sources.yaml": SOURCES,
    "content/briefs/alpha.md": ALPHA,
    "content/pages/about.md": "Title: About\nSlug: about\n\nAbout this site.\n",
}


def test_sitemap_lists_every_page_with_absolute_urls(build_site):
    result = build_site(FILES, settings="publishconf.py", env={"SITEURL": "https://briefs.example.org"})
    assert result.returncode == 0, result.stderr
    assert (result.output / "sitemap.xml").read_text(encoding="utf-8") == "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        "<url><loc>https://briefs.example.org/</loc></url>",
        "<url><loc>https://briefs.example.org/about/</loc></url>",
        "<url><loc>https://briefs.example.org/briefs/alpha/</loc><lastmod>2025-04-18</lastmod></url>",
        "<url><loc>https://briefs.example.org/sources/</loc></url>",
        "<url><loc>https://briefs.example.org/timeline/</loc></url>",
        "</urlset>",
        "",
    ])
    assert (result.output / "robots.txt").read_text(encoding="utf-8") == (
        "User-agent: *\nDisallow:\n\nSitemap: https://briefs.example.org/sitemap.xml\n"
    )


def test_development_build_writes_root_relative_urls(build_site):
    result = build_site(FILES)
    assert result.returncode == 0, result.stderr
    sitemap = (result.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "<url><loc>/briefs/alpha/</loc><lastmod>2025-04-18</lastmod></url>" in sitemap
    assert "404" not in sitemap and "search" not in sitemap
    assert (result.output / "robots.txt").read_text(encoding="utf-8").endswith("Sitemap: /sitemap.xml\n")
