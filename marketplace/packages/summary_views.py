"""The package summary: what a plan's package costs by stream, who pays, where the money goes
(direct support, coordination, overheads) and which outcomes it serves; printable and as CSV."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("package_summary", __name__)
