"""Usernames people can read and type: the pinyin of the name (张三 → zhangsan), made unique
with a number (zhangsan2, zhangsan3, …)."""

import re

from django.contrib.auth import get_user_model
from pypinyin import lazy_pinyin

MAX_BASE_LENGTH = 24


def username_base(name):
    """`zhangsan` for 张三; letters and digits only (ü is written v: 吕 → lv); `user` when none is left."""
    spelled = "".join(lazy_pinyin(name.strip()))
    return re.sub(r"[^a-z0-9]", "", spelled.lower())[:MAX_BASE_LENGTH] or "user"


def usernames_for(names):
    """One unique username for each name, in order, unique among the existing logins and each other."""
    User = get_user_model()
    bases = [username_base(name) for name in names]
    taken = set()
    for base in set(bases):
        taken.update(
            name.lower() for name in User.objects.filter(username__istartswith=base).values_list("username", flat=True)
        )
    usernames = []
    for base in bases:
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}{number}", number + 1
        taken.add(candidate)
        usernames.append(candidate)
    return usernames
