"""Create a district's administrator login (三员) or department login from the command line: the
first system administrator has nobody to create it in a page.

    python manage.py admin_login_create --role sysadmin --district 房山区 --name 张三

Prints the username and the initial password once; the first login must change the password and
(for the administrators) set up two-factor login."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services import NewLogin, logins_create
from core.scoping import ADMIN_ROLES, ROLE_CHOICES, ROLE_ORG
from secretaries.models import District
from secretaries.services import admin_login_grant, org_login_grant

ROLES = [ROLE_ORG, *ADMIN_ROLES]


class Command(BaseCommand):
    help = "创建一个区的管理员账号（系统管理员、安全管理员、审计管理员）或区委组织部账号"

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--district", required=True, help="区的名称，如 房山区")
        parser.add_argument("--name", required=True, help="使用人姓名（用户名取其拼音）")
        parser.add_argument("--phone", default="", help="手机号（可不填）")

    def handle(self, *args, role, district, name, phone, **options):
        found = District.objects.filter(name=district.strip()).first()
        if found is None:
            raise CommandError(f"区“{district}”不存在")
        [created] = logins_create([NewLogin(name=name.strip(), phone=phone, role=role, district=found)], request=None)
        if role == ROLE_ORG:
            org_login_grant(created.user)
        else:
            admin_login_grant(created.user, role)
        label = dict(ROLE_CHOICES)[role]
        self.stdout.write(f"已创建{found.name}{label}账号")
        self.stdout.write(f"用户名：{created.user.username}")
        self.stdout.write(f"初始密码：{created.password}（仅显示这一次；首次登录须修改）")
