"""What each action code means, for the audit page and its export. The codes are what callers of
`core.signals.audit(...)` pass; a code not listed here shows as written. The loop's steps are
`loop.<step>` (demands/lifecycle.py STEPS), one group here: their detail starts with the step's name."""

from core import scoping

LOOP_PREFIX = "loop."

ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "lockout": "账号锁定",
    "logout": "退出登录",
    "password_reset": "重置密码",
    "account.create": "创建账号",
    "account.disable": "停用账号",
    "account.enable": "启用账号",
    "account.role": "角色变更",
    "account.unlock": "解锁账号",
    "account.password_reset": "重置密码",
    "account.password_change": "修改密码",
    "account.forced_change_done": "完成强制改密",
    "account.2fa_enrol": "启用两步验证",
    "account.2fa_remove": "清除两步验证",
    "account.recovery_codes_renew": "更换恢复码",
    "account.recovery_code_used": "使用恢复码登录",
    "login.otp_failed": "两步验证失败",
    "export": "导出/下载",
    "view_personal": "查看完整个人信息",
    "import": "导入",
    "list.submit": "报送清单",
    "list.return": "退回清单",
    "list.accept": "接收清单",
    "loop": "需求闭环（各步骤）",
    "round.open": "发布征集轮次",
    "round.close": "截止征集轮次",
    "roster.generate": "生成排班",
    "settings.change": "修改设置",
    "admin.add": "后台新增",
    "admin.change": "后台修改",
    "admin.delete": "后台删除",
}

ROLE_LABELS = {**scoping.ROLE_LABELS, "superuser": "超级管理员"}


def action_label(code):
    if code.startswith(LOOP_PREFIX):
        return ACTION_LABELS["loop"]
    return ACTION_LABELS.get(code, code)


def role_label(code):
    return ROLE_LABELS.get(code, code or "")
