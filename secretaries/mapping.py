"""How every import maps a workbook's columns to its own: the code names the columns (a
core.sheets.ListSpec without synonyms), the data adds the header spellings people use
(HeaderSynonym, edited in the admin) and the corrections the uploader made last time
(ColumnMapping: a township's for its round uploads, the department's for its own workbooks).
The round upload (demands/sheets.py) and the department's imports (secretaries/imports.py) both
read and remember through here.

    specs = specs_as_kept([spec], district_id=3)                 # the department's
    specs = specs_as_kept(specs, district_id=3, township=town)   # a township's
    remember_mapping(spec, before, after, user, district_id=3)   # after a corrected preview
"""

import dataclasses
from collections import defaultdict

from core.sheets import ListSpec, normalise
from secretaries.models_import import ColumnMapping, HeaderSynonym

REMEMBERED_BY_TOWNSHIP = "本乡镇上次的设置"
REMEMBERED_BY_DISTRICT = "本区上次的设置"


def _mappings(district_id, township):
    """The remembered corrections of one uploader: a township's, or the department's own (no
    township) of its district. Another district's or township's are never read."""
    if district_id is None:
        return ColumnMapping.objects.none()
    mappings = ColumnMapping.objects.filter(district_id=district_id)
    if township is not None:
        return mappings.filter(township=township)
    return mappings.filter(township__isnull=True)


def specs_as_kept(specs, *, district_id, township=None):
    """`specs` with each column's header synonyms and the uploader's remembered corrections
    (two queries whatever the number of specs)."""
    kinds = [spec.kind for spec in specs]
    synonyms = defaultdict(list)
    for kind, column, text in HeaderSynonym.objects.filter(kind__in=kinds).values_list("kind", "column", "text"):
        synonyms[kind, column].append(text)
    remembered = defaultdict(dict)
    rows = _mappings(district_id, township).filter(kind__in=kinds).values_list("kind", "header", "column")
    for kind, header, column in rows:
        remembered[kind][header] = column
    return [
        ListSpec(
            spec.kind,
            spec.title,
            [
                dataclasses.replace(column, synonyms=(*column.synonyms, *synonyms[spec.kind, column.key]))
                for column in spec.columns
            ],
            remembered[spec.kind],
            remembered_why=REMEMBERED_BY_TOWNSHIP if township is not None else REMEMBERED_BY_DISTRICT,
        )
        for spec in specs
    ]


def remember_mapping(spec, before, after, user, *, district_id, township=None):
    """Keep the uploader's corrections for its next upload: each column the user mapped otherwise
    than the importer did by itself (`before`: synonyms and earlier corrections; `after`: the
    user's choice, both core.sheets.ListSheet) is stored by its header; one set back to what the
    synonyms say is forgotten."""
    if district_id is None:  # a login of no district (a superuser) has nowhere to keep it
        return
    plain = ListSpec(spec.kind, spec.title, spec.columns)  # the synonyms alone
    was = {mapped.index: mapped.key for mapped in before.columns}
    for mapped in after.columns:
        header = normalise(mapped.header)
        if not header or was.get(mapped.index) == mapped.key:
            continue
        mine = {"district_id": district_id, "township": township, "kind": spec.kind, "header": header}
        if mapped.key == plain.match(mapped.header)[0]:
            ColumnMapping.objects.filter(**mine).delete()
        else:
            ColumnMapping.objects.update_or_create(**mine, defaults={"column": mapped.key or "", "updated_by": user})
