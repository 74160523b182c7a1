"""Demo stations: Fangshan's 8 rural-revitalization service stations and a manager login each.
The duty pools and roster are added by the stations issue."""

from django.contrib.auth import get_user_model

from secretaries.demo import demo_password_hash
from secretaries.models import StaffProfile, Township
from stations.models import ServiceStation

# (station township, covered townships, duty weekday, secretaries per week, manager login)
STATIONS = [
    ("十渡镇", ["十渡镇", "张坊镇", "蒲洼乡"], 2, 2, "zz_shidu"),
    ("佛子庄乡", ["佛子庄乡", "河北镇"], 1, 2, "zz_fozizhuang"),
    ("大安山乡", ["大安山乡", "史家营乡"], 3, 1, "zz_daanshan"),
    ("霞云岭乡", ["霞云岭乡", "南窖乡"], 2, 1, "zz_xiayunling"),
    ("周口店镇", ["周口店镇", "韩村河镇"], 4, 1, "zz_zhoukoudian"),
    ("青龙湖镇", ["青龙湖镇", "长阳镇", "良乡镇", "拱辰街道", "阎村镇"], 1, 2, "zz_qinglonghu"),
    ("琉璃河镇", ["琉璃河镇", "窦店镇", "石楼镇"], 3, 1, "zz_liulihe"),
    ("长沟镇", ["长沟镇", "大石窝镇"], 0, 1, "zz_changgou"),
]


def seed(stdout):
    townships = {t.name: t for t in Township.objects.filter(district__name="房山区")}
    User = get_user_model()
    for township_name, covered, weekday, per_week, username in STATIONS:
        station, created = ServiceStation.objects.get_or_create(
            name=f"{township_name}乡村振兴服务站",
            defaults={
                "township": townships[township_name],
                "duty_weekdays": [weekday],
                "secretaries_per_week": per_week,
                "address": f"北京市房山区{township_name}人民政府院内",
                "contact_name": "站长",
            },
        )
        if created:
            station.covered_townships.set([townships[name] for name in covered])
        user, user_created = User.objects.get_or_create(
            username=username, defaults={"first_name": f"{township_name}服务站负责人"}
        )
        if user_created:
            user.password = demo_password_hash()
            user.save(update_fields=["password"])
        StaffProfile.objects.get_or_create(user=user, defaults={"role": "station_manager", "station": station})
    stdout.write(f"服务站：{ServiceStation.objects.count()}个。")
