"""Pure clinical decisions: plain functions and dataclasses, inputs in, decisions out.

No Django, no I/O. Every rule and threshold names its source (a bibliography id from
:mod:`needlepoint.knowledge`).
"""
