from django.db import models

from core.scoping import DistrictWideQuerySet


class DistrictSummaryQuerySet(DistrictWideQuerySet):
    district_path = "district_id"


class DistrictSummary(models.Model):
    """The district-wide figures of the department's dashboard that cost a scan of every demand
    item (a million at province scale), counted by the worker and kept in the database, so a first
    view (a new filter, a restarted cache) reads them instead of recounting. dashboard.summary
    builds and reads it; `version` and `as_of` tell whether it is still current."""

    district = models.OneToOneField(
        "secretaries.District", on_delete=models.CASCADE, related_name="dashboard_summary", verbose_name="所属区"
    )
    version = models.BigIntegerField("数据版本")
    as_of = models.DateField("统计日期")
    built_at = models.DateTimeField("统计时间")
    checked_at = models.DateTimeField("最近确认时间", help_text="最近一次确认数据未变（或重新统计）的时间")
    seconds = models.FloatField("统计耗时（秒）", default=0)
    data = models.JSONField("统计数据")

    objects = DistrictSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工作台统计汇总"

    def __str__(self):
        return f"{self.district} 统计汇总（{self.built_at:%Y-%m-%d %H:%M}）"
