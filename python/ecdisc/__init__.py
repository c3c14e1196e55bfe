"""gr-ecdisc: GNU Radio blocks for a multilayer electrochromic optical disc.

Blocks come from the compiled bindings (ecdisc_python); pure-Python helpers
(hier blocks, session runner) are imported beside them.
"""
from .ecdisc_python import *  # noqa: F401,F403
