"""Write static/css/charts.css from pygal's styles (run after changing dashboard.charts.STYLE or
upgrading pygal; tests/dashboard/test_charts_stylesheet.py fails until then)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from dashboard import charts


class Command(BaseCommand):
    help = "生成图表样式表 static/css/charts.css（内容安全策略不允许内联样式）"

    def handle(self, *args, **options):
        path = settings.BASE_DIR / "static" / charts.STYLESHEET_PATH
        path.write_text(charts.stylesheet(), encoding="utf-8")
        self.stdout.write(f"已写入 {path}")
