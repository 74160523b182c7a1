"""Signals that announce writes, so a service never imports the app that reports on its data.

A domain service that writes in bulk (bulk_create, queryset.update: Django sends no model signals
for those) sends `records_written` with the model written; listeners connect in their AppConfig
(the dashboard moves its data version). pretix's services announce with `order_paid.send(...)` the
same way."""

from django.dispatch import Signal

# sender: the model class written; no other arguments.
records_written = Signal()
