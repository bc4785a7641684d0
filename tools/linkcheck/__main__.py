"""`python -m tools.linkcheck SITE`: see cli.py."""
from .cli import main

raise SystemExit(main())
