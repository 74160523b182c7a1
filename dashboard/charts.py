"""Server-side SVG charts (pygal, no JavaScript): legible in Chinese, printable, each with a text
alternative (<title>, <desc> and role="img") next to the table of its numbers in the page."""

import re

import pygal
from django.utils.html import escape
from pygal.style import Style

FONT = '"WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif'
COLORS = ("#c0392b", "#e67e22", "#2980b9", "#27ae60", "#8e44ad", "#7f8c8d", "#16a085", "#d35400")
STYLE = Style(
    font_family=FONT,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#333333",
    foreground_strong="#111111",
    foreground_subtle="#888888",
    colors=COLORS,
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
    value_label_font_size=11,
    no_data_font_size=20,
)
MAX_DESC_ITEMS = 40
SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _config(**extra):
    config = {
        "js": [],
        "style": STYLE,
        "width": 720,
        "height": 360,
        "disable_xml_declaration": True,
        "no_data_text": "暂无数据",
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "print_values": True,
        "truncate_label": 12,
        "truncate_legend": 16,
        "margin": 12,
    }
    config.update(extra)
    return config


def describe(labels, series, unit=""):
    """A sentence per label listing every series' value: the chart's text alternative."""
    parts = []
    for index, label in enumerate(labels[:MAX_DESC_ITEMS]):
        values = []
        for name, data in series:
            value = data[index] if index < len(data) else None
            values.append(f"{name} {'—' if value is None else value}{unit}")
        parts.append(f"{label}：{'，'.join(values)}")
    more = f"；另有 {len(labels) - MAX_DESC_ITEMS} 项见数据表" if len(labels) > MAX_DESC_ITEMS else ""
    return "；".join(parts) + more if parts else "暂无数据"


def _accessible(svg, title, desc):
    """Name the SVG for screen readers: role=img, <title> and <desc> first inside it. pygal adds
    an inline config <script> for its (unused) tooltips even with js=[]; the page needs none."""
    svg = SCRIPT.sub("", svg)
    head, rest = svg.split(">", 1)
    return f'{head} role="img" aria-label="{escape(title)}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>{rest}'


def render(chart, title, labels, series, unit=""):
    for name, data in series:
        chart.add(name, list(data))
    chart.x_labels = list(labels)
    return _accessible(chart.render(is_unicode=True), title, describe(labels, series, unit))


def bar(title, labels, series, *, horizontal=False, stacked=False, unit="", percent=False):
    """Bars for each label; series is [(name, values)]."""
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(horizontal, stacked)]
    extra = {}
    if horizontal:
        extra["height"] = max(220, 90 + 26 * len(labels) * (1 if stacked else max(1, len(series))))
    else:
        extra["x_label_rotation"] = 30 if len(labels) > 6 else 0
    if percent:
        extra["range"] = (0, 100)
        extra["value_formatter"] = lambda v: f"{v:g}%"
    if stacked:
        extra["print_values"] = False
    chart = kind(**_config(title=title, **extra))
    return render(chart, title, labels, series, unit)


def line(title, labels, series, unit=""):
    chart = pygal.Line(**_config(title=title, x_label_rotation=30, dots_size=3, print_values=False))
    return render(chart, title, labels, series, unit)
