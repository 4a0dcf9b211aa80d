"""``python -m kip_analysis.batch``: the memo batch's command line."""

import sys

from kip_analysis.batch.cli import main

sys.exit(main())
