"""gr-ecdisc: GNU Radio blocks for a multilayer electrochromic optical disc.

Blocks come from the compiled bindings (ecdisc_python); pure-Python helpers
(hier blocks) are imported beside them; the session runner behind
ecdisc-sim is gnuradio.ecdisc.session.
"""
from .ecdisc_python import *  # noqa: F401,F403
from .write_then_read import write_then_read  # noqa: F401
from .soapy_medium import soapy_medium  # noqa: F401
