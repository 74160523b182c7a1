from django import template

register = template.Library()


@register.filter
def duration(seconds):
    """An age in seconds as people say it: 45 秒, 3 分 20 秒, 2 小时 5 分, 3 天 4 小时."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} 小时 {minutes} 分"
    if minutes:
        return f"{minutes} 分 {secs} 秒"
    return f"{secs} 秒"
