from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与身份鉴别"

    def ready(self):
        # Models can be imported only once the apps are ready.
        from accounts.handlers import connect_signals

        connect_signals()
