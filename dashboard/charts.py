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
WIDTH, MARGIN = 720, 12
LABEL_CHARS = 8  # axis labels longer than this end in "…" (the full name is in the table and <desc>)
# pygal sizes text as 0.6 em per character; a Chinese character is a full em wide. The extra room
# it does not reserve is added to the margin on the labels' side, or names are cut off.
CJK_EXTRA_EM = 0.45
SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
# pygal writes one colour rule per series; the stylesheet holds this many (no chart has more).
STYLESHEET_SERIES = 40
STYLESHEET_PATH = "css/charts.css"


def _config(**extra):
    config = {
        "js": [],
        "style": STYLE,
        "width": WIDTH,
        "height": 360,
        "disable_xml_declaration": True,
        "no_data_text": "暂无数据",
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "print_values": True,
        "truncate_label": -1,
        "truncate_legend": 16,
        "margin": MARGIN,
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


def stylesheet():
    """The charts' CSS as static/css/charts.css holds it (`manage.py chart_stylesheet` writes it).
    pygal puts it in each SVG as an inline <style> under the chart's own id, which the
    Content-Security-Policy (style-src 'self') refuses; the same rules under the class every
    chart has are served as a file instead."""
    chart = pygal.Bar(**_config())
    for index in range(STYLESHEET_SERIES):
        chart.add(str(index), [1])
    svg = chart.render(is_unicode=True)
    chart_id = re.search(r'id="(chart-[^"]+)"', svg).group(1)
    return "".join(STYLE_ELEMENT.findall(svg)).replace(f"#{chart_id}", ".pygal-chart") + "\n"


def _accessible(svg, title, desc):
    """Name the SVG for screen readers: role=img, <title> and <desc> first inside it. pygal adds
    an inline config <script> for its (unused) tooltips even with js=[] (the page needs none), and
    an inline <style> (static/css/charts.css has its rules): both go."""
    svg = STYLE_ELEMENT.sub("", SCRIPT.sub("", svg))
    head, rest = svg.split(">", 1)
    return f'{head} role="img" aria-label="{escape(title)}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>{rest}'


def short(label, chars=LABEL_CHARS):
    label = str(label)
    return label if len(label) <= chars else label[: chars - 1] + "…"


def wrap_title(title, width=WIDTH):
    """Chinese titles on lines that fit the chart (pygal wraps at spaces, which Chinese has none
    of): break after '：' or before '（' when that is enough, else every `per_line` characters."""
    per_line = int((width - 2 * MARGIN) / (STYLE.title_font_size * 1.1))
    lines = []
    for part in title.split("\n"):
        while len(part) > per_line:
            cut = max(part.rfind("：", 0, per_line) + 1, part.rfind("（", 1, per_line))
            cut = cut if cut > per_line // 2 else per_line
            lines.append(part[:cut])
            part = part[cut:]
        lines.append(part)
    return "\n".join(lines)


def whole_ticks(series, stacked=False, count=5):
    """Axis ticks for counts: whole numbers from 0 (no 0.2, 0.4 ticks), about `count` of them."""
    columns = [[v or 0 for v in data] for _, data in series]
    if not columns or not any(columns):
        return [0, 1]
    top = max(map(sum, zip(*columns, strict=False))) if stacked else max(max(c, default=0) for c in columns)
    top = max(int(top) + (0 if top == int(top) else 1), 1)
    step, scale = None, 1
    while step is None:
        step = next((c * scale for c in (1, 2, 5) if c * scale * count >= top), None)
        scale *= 10
    steps = -(-top // step)
    return [i * step for i in range(steps + 1)]


def render(chart, title, labels, series, unit="", desc=None):
    for name, data in series:
        chart.add(name, list(data))
    if not series:
        chart.add("", [])  # pygal fails on a chart without any series; this one draws its no-data text
    chart.x_labels = [short(label) for label in labels]
    return _accessible(chart.render(is_unicode=True), title, desc or describe(labels, series, unit))


def _legend(count, margin_bottom=MARGIN):
    """Legend columns that pygal's row count (series // columns, rounded down) gets right: with
    fewer series than columns it counts -1 rows and cuts the legend off; a partial last row is
    given its room in the bottom margin."""
    columns = max(1, min(4, count))
    partial = 24 if count % columns else 0
    return {"legend_at_bottom_columns": columns, "margin_bottom": margin_bottom + partial}


def _label_room(labels, font_size):
    longest = max((len(short(label)) for label in labels), default=0)
    return MARGIN + int(CJK_EXTRA_EM * font_size * longest) + 4


def bar(title, labels, series, *, horizontal=False, stacked=False, unit="", percent=False, whole=True):
    """Bars for each label; series is [(name, values)]. `whole`: the values are counts (whole-number ticks)."""
    desc = describe(labels, series, unit)
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(horizontal, stacked)]
    extra = {}
    font = STYLE.label_font_size
    if horizontal:
        # Room for the bars, the (wrapped) title and the legend rows under the plot.
        title_lines = wrap_title(title).count("\n") + 1
        legend_rows = -(-len(series) // 4)
        bars = len(labels) * (1 if stacked else max(1, len(series)))
        extra["height"] = max(220, 70 + 26 * bars + 24 * title_lines + 28 * legend_rows)
        extra["margin_left"] = _label_room(labels, font)
        # pygal draws the first label at the bottom; the first (the top of a ranking) goes on top.
        labels = list(reversed(labels))
        series = [(name, list(reversed(list(data)))) for name, data in series]
    else:
        extra["x_label_rotation"] = 30 if len(labels) > 6 else 0
    extra.update(_legend(len(series), _label_room(labels, font) // 2 if extra.get("x_label_rotation") else MARGIN))
    if percent:
        extra["range"] = (0, 100)
        extra["value_formatter"] = lambda v: f"{v:g}%"
    elif whole:
        ticks = whole_ticks(series, stacked)
        extra["y_labels"] = ticks
        extra["range"] = (0, ticks[-1])
        extra["value_formatter"] = lambda v: f"{v:g}"
    if stacked:
        extra["print_values"] = False
    chart = kind(**_config(title=wrap_title(title), **extra))
    return render(chart, title, labels, series, unit, desc)


def line(title, labels, series, unit=""):
    ticks = whole_ticks(series)
    chart = pygal.Line(
        **_config(
            title=wrap_title(title),
            x_label_rotation=30,
            dots_size=3,
            **_legend(len(series)),
            print_values=False,
            y_labels=ticks,
            range=(0, ticks[-1]),
            value_formatter=lambda v: f"{v:g}",
        )
    )
    return render(chart, title, labels, series, unit)
