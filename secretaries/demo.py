"""Demo district shaped like Fangshan in the seeds: 房山区, 第七批, 137 secretaries on post,
6 area branches, units of several levels and kinds, 20+ expertise categories.

Deterministic (a fixed random seed) and idempotent (natural keys with get_or_create)."""

import random
from datetime import date, timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from secretaries.models import (
    AreaBranch,
    Batch,
    DispatchUnit,
    District,
    Expertise,
    Secretary,
    StaffProfile,
    Township,
    Village,
)
from secretaries.services import org_login_grant
from secretaries.validators import id_check_char

DEMO_PASSWORD = "Fangshan-2026"
SECRETARY_COUNT = 137

# (township, kind, login, villages). The mountain townships, where most secretaries serve, first.
TOWNSHIPS = [
    ("十渡镇", "镇", "shidu", "六渡村 七渡村 八渡村 九渡村 十渡村 西河村 马安村 王老铺村 平峪村 西庄村 新村 卧龙村"),
    (
        "佛子庄乡",
        "乡",
        "fozizhuang",
        "黑龙关村 北窖村 红煤厂村 陈家台村 佛子庄村 贾峪口村 中英水村 西安村 上英水村 查儿村",
    ),
    ("大安山乡", "乡", "daanshan", "大安山村 瞧煤涧村 西苑村 寺尚村 宝地洼村 水峪村 军红村 赵亩地村 南安村"),
    ("霞云岭乡", "乡", "xiayunling", "堂上村 霞云岭村 庄户台村 四马台村 龙门台村 北直河村 石板台村 大地港村 王家台村"),
    ("史家营乡", "乡", "shijiaying", "史家营村 金鸡台村 柳林水村 元阳水村 秋林铺村 青林台村 莲花庵村 曹家坊村"),
    ("张坊镇", "镇", "zhangfang", "张坊村 片上村 大峪沟村 穆家口村 千河口村 下寺村 东关上村 蔡家口村"),
    ("蒲洼乡", "乡", "puwa", "蒲洼村 东村 鱼斗泉村 芦子水村 富合村 议合村"),
    ("南窖乡", "乡", "nanjiao", "南窖村 中窖村 北安村 花港村 大西沟村 三合村"),
    ("周口店镇", "镇", "zhoukoudian", "周口店村 黄山店村 娄子水村 车厂村 龙宝峪村 黄元寺村 长流水村"),
    ("青龙湖镇", "镇", "qinglonghu", "坨里村 北车营村 沙窝村 上万村 小马村 晓幼营村 大苑村"),
    ("琉璃河镇", "镇", "liulihe", "琉璃河村 董家林村 务滋村 官庄村 黄土坡村 祖村 兴礼村"),
    ("韩村河镇", "镇", "hancunhe", "韩村河村 天开村 东南章村 孤山口村 圣水峪村 上方山村"),
    ("长沟镇", "镇", "changgou", "长沟村 北甘池村 南正村 六甲房村 三座庵村 东良村"),
    ("大石窝镇", "镇", "dashiwo", "石窝村 高庄村 王家磨村 下营村 辛庄村 岩上村"),
    ("河北镇", "镇", "hebei", "河北村 万佛堂村 磁家务村 辛庄村 东庄子村 南车营村"),
    ("长阳镇", "镇", "changyang", "长阳村 篱笆房村 葫芦垡村 水碾屯村 夏场村"),
    ("窦店镇", "镇", "doudian", "窦店村 交道村 芦村 瓦井村 田家园村"),
    ("石楼镇", "镇", "shilou", "石楼村 二站村 夏村 支楼村 吉羊村"),
    ("阎村镇", "镇", "yancun", "大紫草坞村 后十三里村 北坊村 吴庄村"),
    ("良乡镇", "镇", "liangxiang", "东石羊村 刘丈村 官道村 南庄子村"),
    ("拱辰街道", "街道", "gongchen", "南关村 梅花庄村 西营村"),
]

AREA_BRANCHES = [
    ("第一片区临时党支部", ["十渡镇", "张坊镇", "蒲洼乡"]),
    ("第二片区临时党支部", ["佛子庄乡", "河北镇", "南窖乡"]),
    ("第三片区临时党支部", ["大安山乡", "史家营乡"]),
    ("第四片区临时党支部", ["霞云岭乡", "周口店镇", "韩村河镇"]),
    ("第五片区临时党支部", ["青龙湖镇", "长阳镇", "良乡镇", "拱辰街道", "阎村镇"]),
    ("第六片区临时党支部", ["琉璃河镇", "窦店镇", "石楼镇", "长沟镇", "大石窝镇"]),
]

UNITS = [
    ("国网北京市电力公司", "central", "soe"),
    ("中国农业银行北京市分行", "central", "financial"),
    ("中国石化北京燕山分公司", "central", "soe"),
    ("北京市农业农村局", "city", "organ"),
    ("北京市卫生健康委员会", "city", "organ"),
    ("北京市司法局", "city", "organ"),
    ("北京市文化和旅游局", "city", "organ"),
    ("北京农学院", "city", "university"),
    ("首都医科大学附属北京友谊医院", "city", "hospital"),
    ("北京首农食品集团有限公司", "city", "soe"),
    ("北京银行房山支行", "city", "financial"),
    ("房山区农业农村局", "district", "organ"),
    ("房山区司法局", "district", "organ"),
    ("房山区卫生健康委员会", "district", "organ"),
    ("房山区教育委员会", "district", "organ"),
    ("房山区文化和旅游局", "district", "organ"),
    ("房山区商务局", "district", "organ"),
    ("房山区财政局", "district", "organ"),
    ("房山区融媒体中心", "district", "institution"),
    ("房山区良乡医院", "district", "hospital"),
    ("房山区园林绿化局", "district", "organ"),
    ("房山区市场监督管理局", "district", "organ"),
    ("北京市房山区城市建设发展集团", "district", "soe"),
]

EXPERTISE = [
    "党建",
    "教育",
    "医疗",
    "法律",
    "农业技术",
    "电商直播",
    "文旅",
    "财务",
    "规划建设",
    "矛盾调解",
    "宣传文化",
    "林业",
    "畜牧养殖",
    "水利",
    "信息化",
    "金融",
    "市场营销",
    "安全生产",
    "社会保障",
    "环境治理",
    "招商引资",
    "心理咨询",
    "公共卫生",
    "民宿运营",
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN_MALE = [
    "建国",
    "志强",
    "海涛",
    "立新",
    "宏伟",
    "振华",
    "晓东",
    "俊杰",
    "文博",
    "子豪",
    "明辉",
    "国栋",
    "浩然",
    "鹏飞",
    "永强",
    "学军",
    "宇航",
    "天佑",
    "凯",
    "磊",
    "伟",
    "涛",
    "军",
    "超",
    "鑫",
]
GIVEN_FEMALE = [
    "秀英",
    "丽华",
    "红梅",
    "静怡",
    "晓燕",
    "雪梅",
    "玉兰",
    "海燕",
    "思雨",
    "婷婷",
    "佳怡",
    "欣然",
    "慧敏",
    "淑芬",
    "春艳",
    "晓丽",
    "美玲",
    "芳",
    "娜",
    "敏",
    "静",
    "丹",
]


@cache
def demo_password_hash():
    """Hash the shared demo password once: hashing it for every login would take a minute."""
    return make_password(DEMO_PASSWORD)


def seed(stdout):
    rng = random.Random(7)
    district, _ = District.objects.get_or_create(name="房山区", defaults={"code": "110111"})
    townships = _townships(district)
    villages = _villages(townships)
    _area_branches(district, townships)
    batch, _ = Batch.objects.get_or_create(
        name="第七批", defaults={"number": 7, "term_start": date(2024, 6, 1), "term_end": date(2026, 12, 31)}
    )
    units = [
        DispatchUnit.objects.get_or_create(name=name, defaults={"level": level, "kind": kind})[0]
        for name, level, kind in UNITS
    ]
    expertise = [
        Expertise.objects.get_or_create(name=name, defaults={"sort_order": i})[0] for i, name in enumerate(EXPERTISE)
    ]
    _secretaries(rng, batch, villages, units, expertise)
    _logins(district, townships)
    stdout.write(
        f"地区与人员：{len(townships)}个乡镇、{len(villages)}个村、"
        f"{Secretary.objects.on_post().count()}名在岗第一书记。"
    )


def _townships(district):
    result = {}
    for name, kind, _login, _villages in TOWNSHIPS:
        result[name], _ = Township.objects.get_or_create(district=district, name=name, defaults={"kind": kind})
    return result


def _villages(townships):
    villages = []
    for name, _kind, _login, village_names in TOWNSHIPS:
        for i, village_name in enumerate(village_names.split()):
            village, _ = Village.objects.get_or_create(
                township=townships[name],
                name=village_name,
                defaults={"population": 400 + (i * 137) % 1600, "households": 150 + (i * 53) % 600},
            )
            villages.append(village)
    return villages


def _area_branches(district, townships):
    for name, township_names in AREA_BRANCHES:
        branch, created = AreaBranch.objects.get_or_create(district=district, name=name)
        if created:
            branch.townships.set([townships[t] for t in township_names])


def _branch_of(village):
    return AreaBranch.objects.filter(townships=village.township_id).first()


def _secretaries(rng, batch, villages, units, expertise):
    # The first 137 villages, township by township, get a secretary each; the rest have none
    # (township staff submit their lists on their behalf).
    staffed = villages[:SECRETARY_COUNT]
    existing = set(Secretary.objects.filter(batch=batch).values_list("village_id", flat=True))
    User = get_user_model()
    for number, village in enumerate(staffed, start=1):
        name, gender, birth = _person(rng, number)
        unit = units[number % len(units)]
        chosen = rng.sample(expertise, k=rng.choice([1, 2, 2, 3]))
        if village.pk in existing:
            continue
        username = f"sj{number:03d}"
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": name, "email": f"{username}@demo.fangshan.gov.cn"}
        )
        if created:
            user.password = demo_password_hash()
            user.save(update_fields=["password"])
        StaffProfile.objects.get_or_create(user=user, defaults={"role": "secretary"})
        first17 = f"110111{birth:%Y%m%d}{number:03d}"
        secretary = Secretary.objects.create(
            name=name,
            gender=gender,
            birth_date=birth,
            phone=f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}",
            id_number=first17 + id_check_char(first17),
            dispatch_unit=unit,
            batch=batch,
            village=village,
            area_branch=_branch_of(village),
            term_start=batch.term_start,
            term_end=batch.term_end,
            user=user,
            position=rng.choice(["科员", "副科长", "科长", "主任科员", "四级调研员", "工程师", "主治医师", "讲师"]),
        )
        secretary.expertise.set(chosen)


def _person(rng, number):
    gender = "F" if rng.random() < 0.3 else "M"
    given = rng.choice(GIVEN_FEMALE if gender == "F" else GIVEN_MALE)
    name = rng.choice(SURNAMES) + given
    age = rng.randint(25, 58)
    birth = date(2026 - age, 1, 1) + timedelta(days=rng.randint(0, 330))
    return name, gender, birth


def _logins(district, townships):
    User = get_user_model()

    def login(username, first_name, **profile):
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "email": f"{username}@demo.fangshan.gov.cn"}
        )
        if created:
            user.password = demo_password_hash()
            user.save(update_fields=["password"])
        StaffProfile.objects.get_or_create(user=user, defaults=profile)
        return user

    org = login("zuzhibu", "区委组织部", role="org", district=district)
    org_login_grant(org)
    for name, _kind, username, _villages in TOWNSHIPS:
        login(username, f"{name}工作人员", role="township", township=townships[name])
