"""A preview's checked plan, kept for its confirm (core.importing.plan_keep / plan_load): the rows
as they will be written, already read and checked, and the facts the checks relied on. The
confirm writes those rows after checking, set-wise (one query per table), that the facts still
hold; when one does not, nothing is written and the user is asked to preview again.

    rows = rows_out(instances, ["name", "village", ...])         # preview: JSON-ready rows
    instances = rows_in(Secretary, ["name", "village", ...], rows)  # confirm: unsaved instances
    fact = snapshot(user, Township, ("name",), [("城关镇",)])    # which rows a name named
    fact = snapshot(user, Secretary, ("name", "village"), keys, versions=True)  # and as stored
    facts_hold(user, [fact, ...])                                 # confirm: still the same?

A fact is the ids (and, with `versions`, a digest of every stored value) of the rows of a table,
inside the user's scope, whose key fields take the given values: a name now naming another row or
two, a row gone or moved out of scope, a row edited since, a row now holding a key the plan was
to create (a uniqueness the plan relied on) — each changes the fact."""

import hashlib
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.db import models

STALE_MESSAGE = (
    "自预览以来，文件涉及的数据已被修改（例如村、单位、人员有增删改或本村清单已报送），"
    "为保证导入与预览一致，本次没有写入任何数据。请重新上传文件预览后再确认导入"
)
KEY_CHUNK = 1000  # key values per query


def rows_out(instances, names):
    """The values of fields `names` (a foreign key by its id) of each instance, JSON-ready."""
    attnames = [instances[0]._meta.get_field(name).attname for name in names] if instances else []
    return [[_plain(getattr(instance, attname)) for attname in attnames] for instance in instances]


def rows_in(model, names, rows):
    """Unsaved `model` instances from rows_out's rows; the fields not kept take their default.
    Built from every field's value in order (Model(*values)), some three times faster than by
    keyword for a model of forty fields."""
    fields = model._meta.concrete_fields
    position = {field.name: index for index, field in enumerate(fields)}
    kept = [(position[name], _reader(model._meta.get_field(name))) for name in names]
    # A callable default (dict, timezone.now) is called for every row, as Model() would.
    defaults = [(field.default if field.has_default() and callable(field.default) else None) for field in fields]
    constant = [None if call else field.get_default() for field, call in zip(fields, defaults, strict=True)]
    called = [(index, call) for index, call in enumerate(defaults) if call]
    instances = []
    for row in rows:
        values = constant.copy()
        for index, call in called:
            values[index] = call()
        for (index, reader), value in zip(kept, row, strict=True):
            values[index] = value if value is None or reader is None else reader(value)
        instances.append(model(*values))
    return instances


def _plain(value):
    if isinstance(value, (date, Decimal)):  # datetime is a date
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def _reader(field):
    if isinstance(field, models.DateTimeField):
        return datetime.fromisoformat
    if isinstance(field, models.DateField):
        return date.fromisoformat
    if isinstance(field, models.DecimalField):
        return Decimal
    return None


def snapshot(user, model, key, keys, *, scoped=True, filters=None, versions=False):
    """The fact: which rows of `model` (for_user(user) when `scoped`, narrowed by `filters`) have
    the key fields `key` equal to one of `keys` (tuples), by id; with `versions`, each row's
    stored values too, as a digest. JSON-ready, for facts_hold to compare."""
    fact = {
        "model": model._meta.label,
        "key": list(key),
        "keys": sorted({tuple(k) for k in keys}, key=repr),
        "scoped": scoped,
        "filters": filters or {},
        "versions": versions,
    }
    fact["rows"] = _rows(user, fact)
    return fact


def facts_hold(user, facts):
    """True when every fact (snapshot's) is as it was."""
    return all(_rows(user, fact) == fact["rows"] for fact in facts)


def _rows(user, fact):
    model = apps.get_model(fact["model"])
    queryset = model.objects.for_user(user) if fact["scoped"] else model._default_manager.all()
    queryset = queryset.filter(**fact["filters"])
    width = len(fact["key"])
    wanted = {tuple(k) for k in fact["keys"]}
    stored = [field.attname for field in model._meta.concrete_fields] if fact["versions"] else []
    first = sorted({k[0] for k in wanted}, key=str)
    found = []
    for start in range(0, len(first), KEY_CHUNK):
        part = queryset.filter(**{f"{fact['key'][0]}__in": first[start : start + KEY_CHUNK]})
        for row in part.values_list(*fact["key"], "pk", *stored):
            if tuple(row[:width]) in wanted:
                found.append([*row[: width + 1], *([_digest(row[width + 1 :])] if stored else [])])
    return sorted(([_plain(value) for value in row] for row in found), key=repr)


def _digest(values):
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()
