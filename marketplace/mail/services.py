"""Queue mail with the change that causes it; send it after the commit, retrying what failed."""

from __future__ import annotations

from email.message import EmailMessage

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketplace.clock import utcnow
from marketplace.extensions import DbSession
from marketplace.mail.backends import FileMailer, Mailer, SmtpMailer
from marketplace.mail.models import OutboxMessage

MAX_ATTEMPTS = 10


def mailer_from_config(config: dict[str, object]) -> Mailer:
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpMailer(
            str(config["MAIL_SERVER"]),
            int(str(config["MAIL_PORT"])),
            str(config["MAIL_USERNAME"]),
            str(config["MAIL_PASSWORD"]),
            bool(config["MAIL_USE_TLS"]),
        )
    return FileMailer(str(config["MAIL_DIR"]))


def queue_mail(session: DbSession, to: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the outbox; it is sent once the caller's transaction commits."""
    message = OutboxMessage(to_address=to, subject=subject, body=body)
    session.add(message)
    if has_request_context():
        g.mail_queued = True
    return message


def init_app(app: Flask) -> None:
    """Send queued mail at the end of the request that queued it.

    A separate session sees only committed rows, so mail queued by a transaction that was
    rolled back is never sent. Whatever fails here stays in the outbox for `flask send-mail`.
    """

    @app.after_request
    def send_queued_mail(response: Response) -> Response:
        if g.pop("mail_queued", False):
            from marketplace.extensions import db

            with Session(db.engine) as session:
                try:
                    send_pending(session)
                except Exception:  # the outbox keeps the message; never fail the request
                    app.logger.exception("Sending queued mail failed")
        return response


def _as_email(row: OutboxMessage, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    # A stable Message-ID derived from the outbox row: a retried send is the same message.
    message["Message-ID"] = f"<outbox-{row.id}@marketplace.local>"
    message.set_content(row.body)
    return message


def send_pending(session: DbSession, mailer: Mailer | None = None, limit: int = 200) -> int:
    """Send unsent outbox messages; returns how many were sent. Commits per message."""
    mailer = mailer or current_app.extensions["mailer"]
    sender = current_app.config["MAIL_FROM"]
    ids = session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = 0
    for message_id in ids:
        row = session.get(OutboxMessage, message_id)
        if row is None or row.sent_at is not None:
            continue
        try:
            mailer.send(_as_email(row, sender))
        except Exception as error:  # any transport failure is recorded and retried later
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(attempts=OutboxMessage.attempts + 1, last_error=str(error)[:2000])
            )
            session.commit()
            current_app.logger.warning("Mail %s not sent: %s", message_id, error)
            continue
        # Only the first sender marks it sent; a concurrent sender's update changes nothing.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
            .values(sent_at=utcnow(), attempts=OutboxMessage.attempts + 1)
        )
        session.commit()
        sent += 1
    return sent
