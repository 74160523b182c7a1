"""How the importer reads a township's own workbook, kept as data: the header spellings of each
list's columns (HeaderSynonym), the spellings of choices (ValueSynonym: 急 → 紧急, 在建 → 正在开展),
both edited by the department in the admin, and each township's own corrections of a column
mapping (ColumnMapping), remembered for its next upload. Read by demands/sheets.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.scoping import ScopedQuerySet
from core.sheets import normalise
from demands.headers import DEMAND_HEADERS, PROJECT_HEADERS, RESOURCE_HEADERS


class ListKind(models.TextChoices):
    DEMANDS = "demands", "需求清单"
    RESOURCES = "resources", "资源清单"
    PROJECTS = "projects", "项目清单"


# The columns each list imports, by the platform template's header (demands/imports.py), plus
# the columns read only to be checked or added to another: 乡镇 (must be the upload's) and 备注.
LIST_COLUMNS = {
    ListKind.DEMANDS: [*DEMAND_HEADERS, "乡镇", "备注"],
    ListKind.RESOURCES: [*RESOURCE_HEADERS, "乡镇", "备注"],
    ListKind.PROJECTS: [*PROJECT_HEADERS, "乡镇"],
}
VALUE_FIELDS = [
    ("需求类别", "需求类别"),
    ("资源类别", "资源类别"),
    ("紧急程度", "紧急程度"),
    ("项目状态", "项目状态"),
    ("来源", "资源来源"),
]


class HeaderSynonym(models.Model):
    kind = models.CharField("清单", max_length=10, choices=ListKind.choices)
    column = models.CharField(
        "对应的列", max_length=20, help_text="平台模板的表头，如 需求名称、预计资金（元）、联系电话"
    )
    text = models.CharField(
        "表头写法",
        max_length=50,
        help_text="乡镇表格里的表头，如 事项、项目名称。金额列不必写单位：预估资金（万元）按“预估资金”匹配，并按万元换算",
    )

    class Meta:
        verbose_name = verbose_name_plural = "导入表头同义词"
        ordering = ["kind", "column", "text"]
        constraints = [models.UniqueConstraint(fields=["kind", "text"], name="header_synonym_once_per_list")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text} → {self.column}"

    def clean(self):
        self.text = self.text.strip()
        if self.kind and self.column not in LIST_COLUMNS[self.kind]:
            raise ValidationError(
                {
                    "column": f"{self.get_kind_display()}没有“{self.column}”这一列，可选：{'、'.join(LIST_COLUMNS[self.kind])}"
                }
            )


class ValueSynonym(models.Model):
    field = models.CharField("字段", max_length=10, choices=VALUE_FIELDS)
    text = models.CharField("写法", max_length=30, help_text="乡镇表格里的写法，如 急、在建、基础设施")
    means = models.CharField("对应的值", max_length=30, help_text="平台上的名称，如 紧急、正在开展、基础设施建设")

    class Meta:
        verbose_name = verbose_name_plural = "导入取值同义词"
        ordering = ["field", "means", "text"]
        constraints = [models.UniqueConstraint(fields=["field", "text"], name="value_synonym_once_per_field")]

    def __str__(self):
        return f"{self.get_field_display()}：{self.text} → {self.means}"


class ColumnMappingQuerySet(ScopedQuerySet):
    district_path = "township__district"
    township_path = "township"


class ColumnMapping(models.Model):
    """A township's correction of how a header of its workbook maps to a column (blank: not imported)."""

    township = models.ForeignKey(
        "secretaries.Township", on_delete=models.CASCADE, related_name="column_mappings", verbose_name="乡镇"
    )
    kind = models.CharField("清单", max_length=10, choices=ListKind.choices)
    header = models.CharField("表头（规范化）", max_length=100)
    column = models.CharField("对应的列", max_length=20, blank=True, help_text="留空表示该列不导入")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="设置人"
    )
    updated_at = models.DateTimeField("设置时间", auto_now=True)

    objects = ColumnMappingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "乡镇导入列对应"
        ordering = ["township", "kind", "header"]
        constraints = [
            models.UniqueConstraint(fields=["township", "kind", "header"], name="column_mapping_once_per_header")
        ]

    def __str__(self):
        return f"{self.township} · {self.get_kind_display()}：{self.header} → {self.column or '不导入'}"

    def save(self, *args, **kwargs):
        self.header = normalise(self.header)
        super().save(*args, **kwargs)
