"""How the importer reads a township's own workbook, kept as data: the spellings of choices
(ValueSynonym: 急 → 紧急, 在建 → 正在开展), edited in the admin. The header spellings of each list's
columns and each township's corrections of a column mapping are the importer's, shared with the
department's own imports (secretaries.models_import: HeaderSynonym, ColumnMapping). Read by
demands/sheets.py."""

from django.db import models

from demands.headers import DEMAND_HEADERS, PROJECT_HEADERS, RESOURCE_HEADERS
from secretaries.models_import import ImportKind, register_import_columns


class ListKind(models.TextChoices):
    DEMANDS = ImportKind.DEMANDS.value, ImportKind.DEMANDS.label
    RESOURCES = ImportKind.RESOURCES.value, ImportKind.RESOURCES.label
    PROJECTS = ImportKind.PROJECTS.value, ImportKind.PROJECTS.label


# The columns each list imports, by the platform template's header (demands/imports.py), plus
# the columns read only to be checked or added to another: 乡镇 (must be the upload's) and 备注.
LIST_COLUMNS = {
    ListKind.DEMANDS: [*DEMAND_HEADERS, "乡镇", "备注"],
    ListKind.RESOURCES: [*RESOURCE_HEADERS, "乡镇", "备注"],
    ListKind.PROJECTS: [*PROJECT_HEADERS, "乡镇"],
}
for _kind, _keys in LIST_COLUMNS.items():
    register_import_columns(_kind.value, _keys)

VALUE_FIELDS = [
    ("需求类别", "需求类别"),
    ("资源类别", "资源类别"),
    ("紧急程度", "紧急程度"),
    ("项目状态", "项目状态"),
    ("来源", "资源来源"),
]


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
