"""`manage.py backup`: a dated backup of the database and the uploaded files (core.backup)."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup, prune


class Command(BaseCommand):
    help = "备份数据库与上传文件到 BACKUP_DIR 下带日期的目录（fsp-年月日-时分秒），并只保留最近的若干份。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="备份目录（默认 BACKUP_DIR）")
        parser.add_argument("--keep", type=int, default=14, help="保留最近几份备份（默认 14；0 表示不删除旧备份）")

    def handle(self, *args, dir=None, keep=14, **options):
        try:
            folder = backup(dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"备份完成：{folder}")
        if keep > 0:
            for old in prune(dir, keep):
                self.stdout.write(f"已删除旧备份：{old}")
