"""How the importer maps a workbook's columns, kept as data: the header spellings of each import's
columns (HeaderSynonym, edited by a superuser in the admin: 导入表头同义词) and the corrections a
township or the department made to a column mapping (ColumnMapping), remembered for its next
upload of that kind. Every import reads them through secretaries/mapping.py: the round upload's
three lists (demands) as well as the department's own workbooks (secretaries/imports.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.scoping import ScopedQuerySet
from core.sheets import normalise


class ImportKind(models.TextChoices):
    DEMANDS = "demands", "需求清单"
    RESOURCES = "resources", "资源清单"
    PROJECTS = "projects", "项目清单"
    SECRETARIES = "secretaries", "第一书记"
    VILLAGES = "villages", "村（社区）"
    UNITS = "units", "派出单位"


# The columns each kind imports, by its template's header. The module that describes a kind's
# columns registers them (demands/models_import.py, secretaries/imports.py): a synonym must
# name one of them.
IMPORT_COLUMNS = {}


def register_import_columns(kind, keys):
    IMPORT_COLUMNS[kind] = list(keys)


class HeaderSynonym(models.Model):
    kind = models.CharField("导入内容", max_length=20, choices=ImportKind.choices)
    column = models.CharField(
        "对应的列", max_length=20, help_text="平台模板的表头，如 需求名称、预计资金（元）、派驻村、出生日期"
    )
    text = models.CharField(
        "表头写法",
        max_length=50,
        help_text="表格里的表头，如 事项、项目名称、所驻村。金额列不必写单位：预估资金（万元）按“预估资金”匹配，并按万元换算",
    )

    class Meta:
        verbose_name = verbose_name_plural = "导入表头同义词"
        ordering = ["kind", "column", "text"]
        constraints = [models.UniqueConstraint(fields=["kind", "text"], name="header_synonym_once_per_list")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text} → {self.column}"

    def clean(self):
        self.text = self.text.strip()
        columns = IMPORT_COLUMNS.get(self.kind)
        if self.kind and columns is not None and self.column not in columns:
            raise ValidationError(
                {"column": f"{self.get_kind_display()}没有“{self.column}”这一列，可选：{'、'.join(columns)}"}
            )


class ColumnMappingQuerySet(ScopedQuerySet):
    district_path = "district"
    township_path = "township"


class ColumnMapping(models.Model):
    """A correction of how a header of a workbook maps to a column (blank: not imported): a
    township's for its round uploads, or the department's (no township) for its own workbooks."""

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.CASCADE, related_name="column_mappings", verbose_name="区"
    )
    township = models.ForeignKey(
        "secretaries.Township",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="column_mappings",
        verbose_name="乡镇",
        help_text="留空表示区委组织部自己的导入（第一书记、村（社区）、派出单位）",
    )
    kind = models.CharField("导入内容", max_length=20, choices=ImportKind.choices)
    header = models.CharField("表头（规范化）", max_length=100)
    column = models.CharField("对应的列", max_length=20, blank=True, help_text="留空表示该列不导入")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="设置人"
    )
    updated_at = models.DateTimeField("设置时间", auto_now=True)

    objects = ColumnMappingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导入列对应"
        ordering = ["district", "township", "kind", "header"]
        constraints = [
            models.UniqueConstraint(fields=["township", "kind", "header"], name="column_mapping_once_per_header"),
            models.UniqueConstraint(
                fields=["district", "kind", "header"],
                condition=Q(township__isnull=True),
                name="column_mapping_once_per_district_header",
            ),
        ]

    def __str__(self):
        owner = self.township or self.district
        return f"{owner} · {self.get_kind_display()}：{self.header} → {self.column or '不导入'}"

    def save(self, *args, **kwargs):
        self.header = normalise(self.header)
        if self.township_id and not self.district_id:
            self.district_id = self.township.district_id
        super().save(*args, **kwargs)

    def clean(self):
        # Before the unique constraints are checked: two spellings of one header are one mapping.
        self.header = normalise(self.header)
        if self.township_id and self.district_id and self.township.district_id != self.district_id:
            raise ValidationError({"township": "乡镇不属于所选的区"})
