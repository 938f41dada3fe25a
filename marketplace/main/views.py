"""Start page, the data attributions page and a health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import func, select, text

from marketplace.directory.models import Offer, Organisation, PAProfile
from marketplace.directory.vocab import CATEGORIES
from marketplace.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def home() -> Any:
    counts = {
        "offers": db.session.scalar(
            select(func.count()).select_from(Offer).where(Offer.status == "published")
        ),
        "pas": db.session.scalar(
            select(func.count()).select_from(PAProfile).where(PAProfile.status == "published")
        ),
        "organisations": db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.status == "published")
        ),
    }
    return render_template("main/home.html", title="Home", counts=counts, categories=CATEGORIES)


@bp.get("/about-the-data")
def about_data() -> Any:
    return render_template("main/about_data.html", title="About the data")


@bp.get("/healthz")
def healthz() -> Any:
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
