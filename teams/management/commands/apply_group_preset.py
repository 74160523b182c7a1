from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secretaries.models import District
from teams.presets import PRESETS, apply_preset


class Command(BaseCommand):
    help = "为一个区应用一种组团做法预设（队伍类型、组建要求、计分规则和常设队伍）；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("district", help="区的名称，如 房山区")
        parser.add_argument(
            "preset",
            choices=sorted(PRESETS),
            help="预设：" + "；".join(f"{key} = {preset.label}" for key, preset in PRESETS.items()),
        )

    def handle(self, *args, district, preset, **options):
        found = District.objects.filter(name=district).first()
        if found is None:
            raise CommandError(f"没有名为“{district}”的区。")
        try:
            applied = apply_preset(found, preset)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"{found.name}：{applied}")
