"""`manage.py restore <folder>`: a backup back into an empty database and MEDIA_ROOT (core.backup)."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "把一份备份（manage.py backup 生成的目录）恢复到空的数据库和空的上传文件目录，并核对各表行数。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="备份目录，例如 var/backups/fsp-20261130-020000")

    def handle(self, *args, folder, **options):
        try:
            differences = restore(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if differences:
            lines = [
                f"{table}: 备份 {expected} 行，恢复后 {found} 行" for table, (expected, found) in differences.items()
            ]
            raise CommandError("恢复后行数与备份不一致：\n" + "\n".join(lines))
        self.stdout.write(f"恢复完成：{folder}（各表行数与备份一致）")
