from audit.models import AuditEntry


def entries(action):
    return AuditEntry.objects.filter(action=action)


def only_entry(action):
    """The one entry of `action` (fails when there are none or several)."""
    found = list(entries(action))
    assert len(found) == 1, [(e.action, e.detail) for e in AuditEntry.objects.all()]
    return found[0]
