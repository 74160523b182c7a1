"""Signals that announce writes, so a service never imports the app that reports on its data.

A domain service that writes in bulk (bulk_create, queryset.update: Django sends no model signals
for those) sends `records_written` with the model written; listeners connect in their AppConfig
(the dashboard moves its data version). pretix's services announce with `order_paid.send(...)` the
same way."""

from django.dispatch import Signal

# sender: the model class written; no other arguments.
records_written = Signal()


# The audit trail (安全审计, issue 14). Anything worth recording calls `audit(...)`; the audit app
# listens (its AppConfig connects `audited`) and writes an append-only entry. Without a listener
# nothing happens, so a service never imports the audit app.
#   action:  a short code, "login", "login_failed", "export", "import", "loop.accept", "round.open", …
#   request: the request, when there is one (user, source address, role and district are read from it)
#   user:    the acting login when there is no request (a task acting for someone; None for the system)
#   obj:     the model instance acted on (type, id and label are recorded), or None
#   result:  "success" or "failure"
#   detail:  a short text without personal data beyond what names the object (rows, file name, masked or not)
audited = Signal()


def audit(action, *, request=None, user=None, obj=None, result="success", detail="", **extra):
    audited.send(
        sender=None, action=action, request=request, user=user, obj=obj, result=result, detail=detail, extra=extra
    )
