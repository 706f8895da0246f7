"""Printed documents for a visit: the visit note, the patient's aftercare handout and the superbill.

Renderers in :mod:`.render` take the plain dataclasses of :mod:`.inputs` and return PDF bytes made
with WeasyPrint; nothing is fetched while rendering (only ``data:`` URIs are embedded). No models.
"""
