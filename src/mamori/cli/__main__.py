"""``python -m mamori.cli``."""

from mamori.cli import main

raise SystemExit(main())
