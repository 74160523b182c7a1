"""Load the demo district (房山区), and the demo city (演示市) with a small district for each of the
other three practices (石泉县, 梁山县, 刚察县). Idempotent: running it twice changes nothing.

Each app contributes its part through a `demo.seed(stdout)` function, run in the order below, so
later parts can build on earlier ones (rounds need villages, the loop needs rounds, ...)."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from secretaries.models import Secretary

DEMO_MODULES = [
    "secretaries.demo",
    "stations.demo",
    "teams.demo",
    "demands.demo",
    # After the shared catalogue (demands.demo): a practice's own demand categories map onto it.
    "teams.demo_practices",
    "demands.demo_loop",
]


class Command(BaseCommand):
    help = "载入演示数据（房山区第七批第一书记）。可重复运行，不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="仅当数据库中还没有第一书记时载入（make run 使用）")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Secretary.objects.exists():
            self.stdout.write("数据库已有数据，跳过演示数据。")
            return
        for name in DEMO_MODULES:
            # Each part in its own transaction: a part cut short leaves nothing, so a rerun redoes it.
            with transaction.atomic():
                import_module(name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
