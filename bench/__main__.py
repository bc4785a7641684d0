"""`python -m bench [--n 1000] [--repeats 5] [--fit 1000,2000,5000,10000]`: see run.py."""

import sys

from .run import main

sys.exit(main())
