"""Where the repository is, for tests that read its files (README, catalogs, notebooks, the SDL)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
