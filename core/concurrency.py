"""Optimistic concurrency for records edited in forms: a form carries the version of the record it
was opened on, and a save based on an old version is refused with CONFLICT_MESSAGE, the input
shown again to copy. Nothing is saved.

The version is a keyed fingerprint (HMAC with SECRET_KEY) of the stored values of the fields the
form edits, many-to-many ids included: any change by someone else to what this form would write
counts, a change to other fields does not (the form does not write them). No column is needed, so
every edited model gets it by using the mixin.

The check runs in the form's clean(), on the row the view has just read; two saves of the same
record within the same few milliseconds could still both pass (a human's "two browsers" case,
seconds or hours apart, is what this rule is for)."""

import json

from django import forms
from django.db import models
from django.utils.crypto import salted_hmac

CONFLICT_MESSAGE = "该记录已被他人修改，请刷新后再改"
VERSION_FIELD = "record_version"


def record_version(instance, field_names):
    """The version of `instance` as stored, over `field_names` (model fields of a ModelForm)."""
    values = {}
    for name in sorted(field_names):
        field = instance._meta.get_field(name)
        if isinstance(field, models.ManyToManyField):
            values[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
        else:
            values[name] = field.value_from_object(instance)
    payload = json.dumps(values, sort_keys=True, default=str)
    return salted_hmac("core.concurrency.record_version", payload).hexdigest()[:20]


class VersionedFormMixin:
    """For a ModelForm editing an existing record: a hidden `record_version`, and a non-field
    error CONFLICT_MESSAGE when the record changed since the form was opened. Put it first in the
    form's bases so that its clean() runs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        # Read before the form copies the posted values onto the instance (in _post_clean).
        names = [name for name in self._meta.fields or () if name in self.fields]
        self.stored_version = record_version(self.instance, names)
        self.fields[VERSION_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=self.stored_version
        )

    def clean(self):
        data = super().clean()
        # A post without a version (a page from before this rule, a script) is not checked.
        posted = data.get(VERSION_FIELD)
        if self.instance.pk is not None and posted and posted != self.stored_version:
            raise forms.ValidationError(CONFLICT_MESSAGE, code="stale_version")
        return data


def keep_unseen_choices(form, name):
    """The cleaned value of many-to-many field `name`, plus the related rows the instance has that
    the field did not offer (the editor cannot see them): saving never drops what one cannot see."""
    chosen = form.cleaned_data.get(name)
    if form.instance.pk is None or chosen is None:
        return chosen
    offered = form.fields[name].queryset.values("pk")
    unseen = getattr(form.instance, name).exclude(pk__in=offered).values("pk")
    model = form.fields[name].queryset.model
    return model.objects.filter(models.Q(pk__in=[obj.pk for obj in chosen]) | models.Q(pk__in=unseen))
