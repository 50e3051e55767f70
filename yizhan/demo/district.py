"""A realistic demo district modelled on the seeds' 西固区 (Lanzhou): 13 townships/streets,
110 villages and communities, the district centre, township stations and village rooms, 13 law
firms whose 30 lawyers serve as village legal advisers, the legal-aid centre, mediation committees,
a notary office, external departments and one staff account per role.

Township names are those of 西固区 in public sources; the 9- and 12-digit division codes and the
village names are illustrative. ``build_district(small=True)`` is the deterministic fixture the test
suite loads (2 townships, 4 villages); ``small=False`` is the full district for ``yizhan demo``.
"""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction

from yizhan.accounts.models import User
from yizhan.matters.models import LegalDomain
from yizhan.orgs.models import (
    AdviserContract,
    DutyKind,
    DutyShift,
    MediationScope,
    Organization,
    OrgKind,
    Person,
    PersonRole,
    Region,
    RegionLevel,
    ServiceWindow,
    WindowKind,
)

TOWNSHIPS = [
    ("陈坪街道", "street"),
    ("先锋路街道", "street"),
    ("福利路街道", "street"),
    ("西固城街道", "street"),
    ("四季青街道", "street"),
    ("临洮街街道", "street"),
    ("西柳沟街道", "street"),
    ("新安路街道", "street"),
    ("新城镇", "town"),
    ("东川镇", "town"),
    ("河口镇", "town"),
    ("达川镇", "town"),
    ("柳泉镇", "town"),
]
_COMMUNITY_STEMS = [
    "和平",
    "幸福",
    "团结",
    "建设",
    "兴隆",
    "康乐",
    "福源",
    "玉门",
    "合水",
    "山丹",
    "清水",
    "钟家河",
    "寺儿沟",
    "西沙",
    "南坡坪",
    "公园路",
    "古浪路",
    "桃园",
    "金城",
    "光明",
    "陈官营",
    "坪北",
    "坪南",
    "新苑",
    "石岗",
    "先锋",
    "牌坊路",
    "环行东路",
    "福利西路",
    "庄浪",
    "西站",
    "北滨河",
    "临洮街",
    "宣威街",
    "西固城",
    "西柳沟",
    "新安路",
    "四季青",
    "范家坪",
    "合水北路",
]
_VILLAGE_STEMS = [
    "岸门",
    "新和",
    "三和",
    "崔家崖",
    "岔路",
    "梁家湾",
    "张家台",
    "河口",
    "咸水",
    "八盘",
    "东川",
    "马耳山",
    "达川",
    "柳泉",
    "新城",
    "青石",
    "湾子",
    "红岘",
    "新村",
    "刘家台",
    "汪家台",
    "砂梁",
    "陡石",
    "马家湾",
    "富强",
    "大滩",
    "小坪",
    "新庄",
    "黄家湾",
    "中川",
    "王家庄",
    "李家台",
    "上川",
    "下川",
    "水磨",
    "大川",
    "沙沟",
    "杏园",
    "榆树",
    "谭家台",
]
FIRM_NAMES = [
    "甘肃金城律师事务所",
    "甘肃西固律师事务所",
    "甘肃正天合律师事务所",
    "甘肃陇原律师事务所",
    "甘肃兰石律师事务所",
    "甘肃黄河律师事务所",
    "甘肃博文律师事务所",
    "甘肃明德律师事务所",
    "甘肃中川律师事务所",
    "甘肃同舟律师事务所",
    "甘肃信衡律师事务所",
    "甘肃新城律师事务所",
    "甘肃西部律师事务所",
]
STREETS = ["福利西路", "西固中路", "玉门街", "合水路"]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华文辉玉兰红梅志强海燕建国春花晓东小红丽娟"

EXTERNAL_DEPARTMENTS = [
    ("兰州市12345政务服务便民热线", "12345", "受理行政管理、公共服务方面的咨询、投诉和建议。"),
    (
        "12315消费者投诉举报热线（西固区市场监督管理局）",
        "12315",
        "消费者权益争议：携带购物凭证、商品或服务合同、沟通记录。",
    ),
    (
        "12333劳动保障咨询热线（西固区人力资源和社会保障局）",
        "12333",
        "劳动保障监察、社保、工伤：携带身份证、劳动合同或工资凭证、考勤记录。",
    ),
    (
        "12338妇女维权热线（西固区妇联）",
        "12338",
        "妇女儿童权益、家庭暴力：携带身份证，如有伤情请保留就医记录、报警回执。",
    ),
    ("西固区信访局", "", "信访事项：携带身份证及相关材料，到区信访局接待大厅登记。"),
    ("西固区人民法院诉讼服务中心", "", "立案、诉讼服务：携带身份证、起诉状及证据材料。"),
    ("兰州市公安局西固分局陈坪派出所", "110", "治安、刑事案件报警：携带身份证，保留相关证据。"),
    ("西固区民政局", "", "低保、特困、临时救助：携带身份证、户口簿、收入证明。"),
]

# roles that use the administration screens (/admin/) for their configuration work
STAFF_ADMIN_ROLES = {"system_admin", "security_admin", "auditor", "district_manager"}

ROLE_ACCOUNTS = [
    # username, role, full name, unit key
    ("clerk", "clerk", "赵晓燕", "center"),
    ("clerk2", "clerk", "孙明", "station:0"),
    ("volunteer", "volunteer", "钱文静", "center"),
    ("hotline", "hotline_agent", "周律师", "hotline"),
    ("mediator", "handler", "吴桂兰", "committee:0"),
    ("mediator2", "handler", "郑建国", "medical_committee"),
    ("legalaid", "legal_aid_reviewer", "冯志强", "legal_aid_center"),
    ("lawyer", "handler", "吴律师", "firm:0"),
    ("firm_manager", "firm_manager", "陈主任", "firm:0"),
    ("notary", "handler", "陈公证员", "notary"),
    ("officer", "office_manager", "王所长", "office:0"),
    ("officer2", "office_manager", "李所长", "office:1"),
    ("manager", "district_manager", "刘局长", "bureau"),
    ("city", "city_manager", "杨处长", "city"),
    ("sysadmin", "system_admin", "系统管理员", "bureau"),
    ("secadmin", "security_admin", "安全保密管理员", "bureau"),
    ("auditor", "auditor", "安全审计员", "bureau"),
]


@dataclass
class District:
    region: Region
    city: Organization
    bureau: Organization
    center: Organization
    hotline: Organization
    legal_aid_center: Organization
    notary: Organization
    medical_committee: Organization
    offices: list[Organization] = field(default_factory=list)
    stations: list[Organization] = field(default_factory=list)
    committees: list[Organization] = field(default_factory=list)
    rooms: list[Organization] = field(default_factory=list)
    village_committees: list[Organization] = field(default_factory=list)
    firms: list[Organization] = field(default_factory=list)
    externals: list[Organization] = field(default_factory=list)
    lawyers: list[Person] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)

    def unit(self, key: str) -> Organization:
        if ":" in key:
            name, index = key.split(":")
            groups = {
                "station": self.stations,
                "office": self.offices,
                "committee": self.committees,
                "firm": self.firms,
            }
            return groups[name][int(index)]
        return getattr(self, key)


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _org(name: str, kind: str, parent: Organization | None, region: Region, **extra: object) -> Organization:
    org = Organization(name=name, kind=kind, parent=parent, region=region, **extra)
    org.save()
    return org


def _windows(org: Organization, extra: list[str]) -> None:
    standard = [
        (WindowKind.CONSULTATION, "法律咨询"),
        (WindowKind.LEGAL_AID, "法律援助"),
        (WindowKind.MEDIATION, "人民调解"),
        (WindowKind.PUBLICITY, "法治宣传"),
    ]
    rows = [
        ServiceWindow(org=org, kind=kind, name=name, number=i) for i, (kind, name) in enumerate(standard, 1)
    ]
    rows += [
        ServiceWindow(org=org, kind=WindowKind.LOCAL, name=name, number=5 + i) for i, name in enumerate(extra)
    ]
    ServiceWindow.objects.bulk_create(rows)


@transaction.atomic
def build_district(*, small: bool = False, seed: int = 20180627, password: str | None = None) -> District:
    """Create the district. ``password`` is used for every demo account (random if not given)."""
    rng = random.Random(seed)
    province, _ = Region.objects.get_or_create(
        code="620000", defaults={"name": "甘肃省", "level": RegionLevel.PROVINCE}
    )
    city_region, _ = Region.objects.get_or_create(
        code="620100", defaults={"name": "兰州市", "level": RegionLevel.CITY, "parent": province}
    )
    county, _ = Region.objects.get_or_create(
        code="620104", defaults={"name": "西固区", "level": RegionLevel.COUNTY, "parent": city_region}
    )
    townships = TOWNSHIPS[:2] if small else TOWNSHIPS
    villages_per = [2, 2] if small else _spread(110, len(townships), rng)

    city = _org(
        "兰州市司法局", OrgKind.CITY_BUREAU, None, city_region, address="兰州市城关区", phone="09318100000"
    )
    bureau = _org(
        "西固区司法局",
        OrgKind.DISTRICT_BUREAU,
        city,
        county,
        address="兰州市西固区福利东路",
        phone="09317556000",
        supervision_phone="09317556001",
    )
    center = _org(
        "西固区公共法律服务中心",
        OrgKind.CENTER,
        bureau,
        county,
        address="兰州市西固区政务服务中心一楼",
        latitude="36.100100",
        longitude="103.628000",
        opening_hours="周一至周五 8:30-12:00，14:30-18:00",
        phone="09317556100",
        appointment_phone="09317556101",
        supervision_phone="09317556001",
        star_rating=5,
        services="法律咨询、法律援助、人民调解、公证、法治宣传",
    )
    _windows(center, ["公证服务", "律师值班"])
    hotline = _org(
        "西固区12348公共法律服务热线",
        OrgKind.HOTLINE,
        bureau,
        county,
        phone="12348",
        opening_hours="7×24小时",
        hotline_number="12348",
    )
    legal_aid_center = _org(
        "西固区法律援助中心",
        OrgKind.LEGAL_AID_CENTER,
        bureau,
        county,
        address="兰州市西固区政务服务中心一楼法律援助室",
        phone="09317556120",
        opening_hours="周一至周五 8:30-18:00",
        referral_guidance="身份证或其他身份证明；经济困难状况说明表；与所申请法律援助事项有关的证明材料。",
    )
    notary = _org(
        "兰州市西固公证处",
        OrgKind.NOTARY_OFFICE,
        bureau,
        county,
        address="兰州市西固区政务服务中心二楼",
        phone="09317556130",
        referral_guidance="身份证、户口簿及与公证事项有关的原件材料。",
    )
    medical_committee = _org(
        "西固区医疗纠纷人民调解委员会",
        OrgKind.MEDIATION_COMMITTEE,
        bureau,
        county,
        mediation_scope=MediationScope.INDUSTRY,
        industry="医患",
        phone="09317556140",
        referral_guidance="身份证、病历资料、医疗费用票据。",
    )
    district = District(
        region=county,
        city=city,
        bureau=bureau,
        center=center,
        hotline=hotline,
        legal_aid_center=legal_aid_center,
        notary=notary,
        medical_committee=medical_committee,
    )
    industry_committees = [] if small else [("交通事故", "交通"), ("劳动争议", "劳动"), ("物业纠纷", "物业")]
    for name, industry in industry_committees:
        district.committees.append(
            _org(
                f"西固区{name}人民调解委员会",
                OrgKind.MEDIATION_COMMITTEE,
                bureau,
                county,
                mediation_scope=MediationScope.INDUSTRY,
                industry=industry,
            )
        )
    _org("西固区司法鉴定所", OrgKind.APPRAISAL_INSTITUTION, bureau, county, phone="09317556150")
    for name, number, guidance in EXTERNAL_DEPARTMENTS[: 4 if small else None]:
        district.externals.append(
            _org(
                name,
                OrgKind.EXTERNAL_DEPARTMENT,
                bureau,
                county,
                hotline_number=number,
                referral_guidance=guidance,
            )
        )
    if not small:
        _org(
            "西固区驻深圳农民工公共法律服务工作站",
            OrgKind.REMOTE_STATION,
            bureau,
            county,
            address="广东省深圳市宝安区",
        )
        _org("西固区总工会职工公共法律服务工作站", OrgKind.INDUSTRY_STATION, bureau, county)
        _org("西固区人民医院法律门诊", OrgKind.LEGAL_CLINIC, bureau, county)

    stems_c = _names(_COMMUNITY_STEMS, rng)
    stems_v = _names(_VILLAGE_STEMS, rng)
    village_regions: list[Region] = []
    township_committees: list[Organization] = []
    for t_index, ((t_name, t_kind), n_villages) in enumerate(
        zip(townships, villages_per, strict=False), start=1
    ):
        t_region, _ = Region.objects.get_or_create(
            code=f"620104{t_index:03d}000",
            defaults={"name": t_name, "level": RegionLevel.TOWNSHIP, "parent": county},
        )
        office = _org(
            f"{t_name}司法所", OrgKind.JUDICIAL_OFFICE, bureau, t_region, phone=f"0931755{6200 + t_index}"
        )
        station = _org(
            f"{t_name}公共法律服务站",
            OrgKind.STATION,
            office,
            t_region,
            address=f"兰州市西固区{t_name}便民服务中心",
            opening_hours="周一至周五 8:30-12:00，14:30-18:00",
            phone=f"0931755{6300 + t_index}",
            star_rating=rng.choice((3, 4, 4, 5)),
        )
        _windows(station, [])
        committee = _org(
            f"{t_name}人民调解委员会",
            OrgKind.MEDIATION_COMMITTEE,
            office,
            t_region,
            mediation_scope=MediationScope.TOWNSHIP,
            phone=f"0931755{6400 + t_index}",
            referral_guidance="身份证；纠纷相关的合同、票据、照片等证据材料。",
        )
        district.offices.append(office)
        district.stations.append(station)
        township_committees.append(committee)
        for v_index in range(1, n_villages + 1):
            stem = (stems_c if t_kind == "street" else stems_v).pop()
            v_name = f"{stem}社区" if t_kind == "street" else f"{stem}村"
            v_region, _ = Region.objects.get_or_create(
                code=f"620104{t_index:03d}{v_index:03d}",
                defaults={"name": v_name, "level": RegionLevel.VILLAGE, "parent": t_region},
            )
            village_regions.append(v_region)
            district.village_committees.append(
                _org(
                    f"{v_name}人民调解委员会",
                    OrgKind.MEDIATION_COMMITTEE,
                    office,
                    v_region,
                    mediation_scope=MediationScope.VILLAGE,
                )
            )
            if small or (len(district.rooms) < 46 and v_index <= 4):
                district.rooms.append(
                    _org(
                        f"{v_name}公共法律服务室",
                        OrgKind.ROOM,
                        station,
                        v_region,
                        opening_hours="预约服务为主，每周三定期坐班",
                    )
                )
    # the first township committee(s) lead the list so tests can name them by index
    district.committees = township_committees + district.committees

    domains = list(LegalDomain.objects.all())
    firm_count = 2 if small else 13
    lawyer_count = 4 if small else 30
    for i in range(firm_count):
        district.firms.append(
            _org(
                FIRM_NAMES[i],
                OrgKind.LAW_FIRM,
                bureau,
                county,
                phone=f"0931755{7000 + i}",
                address=f"兰州市西固区{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            )
        )
    today = datetime.date(2026, 1, 1)
    for i in range(lawyer_count):
        firm = district.firms[i % len(district.firms)]
        years = rng.choice((1, 2, 3, 5, 8, 12))
        lawyer = Person.objects.create(
            name=_person_name(rng),
            role=PersonRole.LAWYER,
            org=firm,
            title=rng.choice(["专职律师", "合伙人", "主任"]),
            license_number=f"1620120{rng.randint(10**9, 10**10 - 1)}",
            practice_since=datetime.date(today.year - years, rng.randint(1, 12), 1),
            criminal_practice_years=rng.choice((0, 1, years)),
            bio="擅长婚姻家庭、劳动争议、合同纠纷等民事案件，担任村（社区）法律顾问。",
        )
        lawyer.specialties.set(rng.sample(domains, k=min(3, len(domains))))
        district.lawyers.append(lawyer)
    # 一村(居)一法律顾问: every village gets a lawyer under a contract
    contracts = []
    for index, village in enumerate(village_regions):
        lawyer = district.lawyers[index % len(district.lawyers)]
        contracts.append(
            AdviserContract(
                person=lawyer,
                village=village,
                contract_number=f"XGFLGW-2026-{index + 1:03d}",
                start_date=datetime.date(2026, 1, 1),
                end_date=datetime.date(2027, 12, 31),
            )
        )
        lawyer.service_regions.add(village)
    AdviserContract.objects.bulk_create(contracts)
    for committee in [*district.committees[:3], medical_committee]:
        Person.objects.create(
            name=_person_name(rng), role=PersonRole.MEDIATOR, org=committee, title="专职调解员"
        )
    Person.objects.create(
        name=_person_name(rng), role=PersonRole.LEGAL_AID_WORKER, org=legal_aid_center, title="法律援助工作者"
    )
    Person.objects.create(name=_person_name(rng), role=PersonRole.NOTARY, org=notary, title="公证员")

    _accounts(district, password)
    _rosters(district, rng)
    from yizhan.demo.legal_aid import seed_demo_configuration

    seed_demo_configuration(province.code[:2])
    return district


def _names(stems: list[str], rng: random.Random) -> list[str]:
    """Unique place-name stems: the list itself, then variants with a direction (东/西/南/北/新)."""
    names = list(stems) + [stem + suffix for suffix in "东西南北新" for stem in stems]
    head, tail = names[: len(stems)], names[len(stems) :]
    rng.shuffle(head)
    rng.shuffle(tail)
    return list(reversed(head + tail))  # pop() takes the plain stems first


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    base = [total // parts] * parts
    for i in rng.sample(range(parts), total - sum(base)):
        base[i] += 1
    return base


def _accounts(district: District, password: str | None) -> None:
    groups = {group.name: group for group in Group.objects.all()}
    for username, role, full_name, unit_key in ROLE_ACCOUNTS:
        secret = password or secrets.token_urlsafe(9) + "A1!"
        user = User(
            username=username,
            full_name=full_name,
            unit=district.unit(unit_key),
            is_staff=role in STAFF_ADMIN_ROLES,
        )
        user.set_password(secret)
        user.save()
        user.groups.add(groups[role])
        district.users[username] = user
        district.passwords[username] = secret
    # the demo lawyer account belongs to the first firm's first lawyer (a legal-aid worker on the roster)
    lawyer = district.lawyers[0]
    lawyer.user = district.users["lawyer"]
    lawyer.criminal_practice_years = max(lawyer.criminal_practice_years, 5)
    lawyer.save(update_fields=["user", "criminal_practice_years"])
    User.objects.filter(pk=district.users["lawyer"].pk).update(full_name=lawyer.name)
    district.users["lawyer"].full_name = lawyer.name
    # the centre's lawyer on window duty and the hotline agent have public profiles
    Person.objects.create(
        name="周律师",
        role=PersonRole.LAWYER,
        org=district.firms[0],
        user=district.users["hotline"],
        title="12348热线值班律师",
        criminal_practice_years=6,
        practice_since=datetime.date(2016, 3, 1),
    )


def _rosters(district: District, rng: random.Random) -> None:
    """The current week: the centre's front desk and the duty lawyers' window, the hotline around the
    clock, and 局长驻窗口. The front-desk clerk has a roster profile, so what reaches the centre online
    goes to her while she is on duty (``matters.selectors.duty_clerk``)."""
    from django.utils import timezone

    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    people = list(Person.objects.filter(role=PersonRole.LAWYER)[:7])
    shifts = []
    tz = timezone.get_current_timezone()
    front_desk = district.center.windows.filter(kind=WindowKind.CONSULTATION).first()
    lawyers_window = district.center.windows.filter(name="律师值班").first() or front_desk
    clerk = Person.objects.create(
        name=district.users["clerk"].full_name,
        role=PersonRole.CLERK,
        org=district.center,
        title="窗口工作人员",
        user=district.users["clerk"],
        is_public=False,
    )
    # the other front-desk accounts get roster profiles too, so that a manager can put them on duty
    for username, unit in (("clerk2", district.stations[0]), ("volunteer", district.center)):
        account = district.users[username]
        Person.objects.create(
            name=account.full_name,
            role=PersonRole.CLERK if username != "volunteer" else PersonRole.VOLUNTEER,
            org=unit,
            title="窗口工作人员" if username != "volunteer" else "窗口志愿者",
            user=account,
            is_public=False,
        )
    for day in range(5):
        date = monday + datetime.timedelta(days=day)
        for person, window in ((clerk, front_desk), (people[day % len(people)], lawyers_window)):
            shifts.append(
                DutyShift(
                    org=district.center,
                    kind=DutyKind.WINDOW,
                    window=window,
                    person=person,
                    starts_at=datetime.datetime.combine(date, datetime.time(8, 30), tz),
                    ends_at=datetime.datetime.combine(date, datetime.time(18, 0), tz),
                )
            )
    for day in range(7):
        for start in (0, 8, 16):
            date = monday + datetime.timedelta(days=day)
            begin = datetime.datetime.combine(date, datetime.time(start), tz)
            shifts.append(
                DutyShift(
                    org=district.hotline,
                    kind=DutyKind.HOTLINE,
                    seat="01",
                    person=people[(day * 3 + start // 8) % len(people)],
                    starts_at=begin,
                    ends_at=begin + datetime.timedelta(hours=8),
                )
            )
    leader = Person.objects.create(
        name="刘局长",
        role=PersonRole.JUDICIAL_STAFF,
        org=district.bureau,
        title="局长",
        user=district.users["manager"],
        is_public=False,
    )
    shifts.append(
        DutyShift(
            org=district.center,
            kind=DutyKind.LEADER_AT_WINDOW,
            window=front_desk,
            person=leader,
            starts_at=datetime.datetime.combine(monday + datetime.timedelta(days=2), datetime.time(9), tz),
            ends_at=datetime.datetime.combine(monday + datetime.timedelta(days=2), datetime.time(11, 30), tz),
            note="局长驻窗口（每周不少于2小时）",
        )
    )
    DutyShift.objects.bulk_create(shifts)
