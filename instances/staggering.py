"""Staggered production (错峰生产) of every province with a known rule, for the national fleet.

Days are 365 less the stop days a clinker line must take (shared/reference/realism/floors.md
§4; the count of a date window is inclusive, P). The four seed provinces keep their own seed
instance's figure. The national rule (工信部联原〔2020〕201号) says every clinker line must
stagger and leaves the south to set its days locally; where no provincial count was found
(anhui, jiangsu, guangdong, …) the southern pattern of 30-90 stop days a year gives at most 300
operating days (U), Zhejiang's figure, instead of the rated 310 (which would let a southern
kiln run with no stop at all).
"""

from __future__ import annotations

from dataclasses import dataclass

MIIT_STAGGER_DOC = "miit_staggering_2020"
MIIT_DOCUMENT = {
    "file": MIIT_STAGGER_DOC,
    "title_zh": "关于进一步做好水泥常态化错峰生产的通知",
    "title_en": "Notice on further normalising staggered cement production",
    "issuer": "工业和信息化部、生态环境部",
    "date": "2020-12",
    "number": "工信部联原〔2020〕201号",
    "source": "realism/floors.md s4.1 (henan.kjzch.com and tastyfever.com copies); not a seed file",
    "flag": "V",
}


SOUTHERN_DAYS = 300
"""Operating days of a southern clinker line where no provincial count was found: the southern
pattern of 30-90 stop days a year (floors.md s4.2, U). Zhejiang's seed rule ZJ-R5 and the national
NA-R10/NA-R11 read this one figure."""

SOUTH_WITHOUT_COUNT = (
    "anhui",
    "jiangsu",
    "shanghai",
    "fujian",
    "jiangxi",
    "hubei",
    "hunan",
    "guangdong",
    "guangxi",
    "hainan",
    "yunnan",
    "xizang",
)
"""Provinces of the national rule's "other regions" for which no count of stop days was found."""


@dataclass(frozen=True)
class StaggerRule:
    """One rule: at most ``days`` operating days a year for each clinker line of ``provinces``."""

    target_id: str
    provinces: tuple[str, ...]
    days: float
    document: str
    clause: str
    description: str
    description_zh: str


def national_rules(seed_docs: dict[str, str]) -> list[StaggerRule]:
    """The rules, ``seed_docs`` naming the seed provinces' own documents (guizhou, xinjiang,
    chongqing, zhejiang)."""
    return [
        StaggerRule(
            "NA-R1",
            ("liaoning", "jilin", "heilongjiang"),
            199,
            MIIT_STAGGER_DOC,
            "一 (northeast window 1 Nov-31 Mar) + 2024 summer stop",
            "staggered production, north-east: winter window 1 Nov-31 Mar (151 d, 201号, V; count P) "
            "and 15 d in July (2024, dcement.com, V) -> at most 199 operating days",
            "错峰生产（东北）：11 月 1 日至次年 3 月 31 日停窑（151 天，工信部联原〔2020〕201号）"
            "及 7 月停窑 15 天（2024 年），即每条熟料线每年至多运行 199 天（P）",
        ),
        StaggerRule(
            "NA-R2",
            ("beijing", "tianjin", "hebei", "shanxi", "inner_mongolia", "henan"),
            244,
            MIIT_STAGGER_DOC,
            "一 (north window 15 Nov-15 Mar)",
            "staggered production, north China: heating-season window 15 Nov-15 Mar (121 d, 201号, "
            "V; count P) -> at most 244 operating days; summer stops not counted (U)",
            "错峰生产（京津冀、山西、内蒙古、河南）：11 月 15 日至次年 3 月 15 日停窑（121 天，工信部联原"
            "〔2020〕201号），即每条熟料线每年至多运行 244 天（P；夏季停窑未计入，U）",
        ),
        StaggerRule(
            "NA-R3",
            ("shandong",),
            215,
            MIIT_STAGGER_DOC,
            "一 (north window); 鲁工信原〔2022〕243号; 2025 flood-season stop",
            "staggered production, Shandong: heating season 121 d (鲁工信原〔2022〕243号, V) and "
            "20-40 d in summer (2025: 20 d, V) -> about 150 stop days, at most 215 operating days (P)",
            "错峰生产（山东）：采暖季停窑 121 天（鲁工信原〔2022〕243号）加夏季停窑 20-40 天（2025 年汛期"
            " 20 天），合计约 150 天，即每条熟料线每年至多运行 215 天（P）",
        ),
        StaggerRule(
            "NA-R4",
            ("shaanxi", "gansu", "qinghai"),
            265,
            MIIT_STAGGER_DOC,
            "一 (northwest window 1 Dec-10 Mar)",
            "staggered production, Shaanxi, Gansu, Qinghai: window 1 Dec-10 Mar (100 d, 201号, V; "
            "count P) -> at most 265 operating days",
            "错峰生产（陕西、甘肃、青海）：12 月 1 日至次年 3 月 10 日停窑（100 天，工信部联原〔2020〕201"
            "号），即每条熟料线每年至多运行 265 天（P）",
        ),
        StaggerRule(
            "NA-R5",
            ("ningxia",),
            149,
            MIIT_STAGGER_DOC,
            "一 (northwest); Ningxia 2025-26 plan",
            "staggered production, Ningxia: heating season 15 Nov 2025-31 Mar 2026 (136 d) and "
            "summer/autumn 80 d (宁夏工信厅/生态环境厅, V) -> 216 stop days, at most 149 operating days",
            "错峰生产（宁夏）：2025-2026 年采暖季停窑 136 天、夏秋季 80 天，合计 216 天，即每条熟料线每年"
            "至多运行 149 天",
        ),
        StaggerRule(
            "NA-R6",
            ("sichuan",),
            245,
            MIIT_STAGGER_DOC,
            "一 (other regions: days set locally); 四川省水泥协会 Nov 2024",
            "staggered production, Sichuan: '10 + X' stop days per line a month (四川省水泥协会, "
            "Nov 2024, V) -> at least 120 stop days, at most 245 operating days (P)",
            "错峰生产（四川）：每条熟料线每月错峰“10+X”天（四川省水泥协会，2024 年 11 月），即全年至少"
            "停窑 120 天、至多运行 245 天（P）",
        ),
        StaggerRule(
            "NA-R7",
            ("xinjiang",),
            170,
            seed_docs["xinjiang"],
            "as XJ-R1",
            "staggered production, Xinjiang: north ~155, south 170-230 operating days -> 170 d "
            "province-wide, as the Xinjiang instance's XJ-R1 (P)",
            "错峰生产（新疆）：北疆约运行 155 天，南疆 170-230 天；全区按每条熟料线每年至多运行 170 天计"
            "（同新疆算例 XJ-R1，P）",
        ),
        StaggerRule(
            "NA-R8",
            ("guizhou",),
            185,
            seed_docs["guizhou"],
            "as GZ-R1",
            "staggered production, Guizhou: 180 stop days per clinker line (2024, V) -> at most 185 "
            "operating days, as the Guizhou instance's GZ-R1",
            "错峰生产（贵州）：每条熟料线全年停窑 180 天，即每年至多运行 185 天（同贵州算例 GZ-R1）",
        ),
        StaggerRule(
            "NA-R9",
            ("chongqing",),
            175,
            seed_docs["chongqing"],
            "as CQ-R2",
            "staggered production, Chongqing: 190 stop days per clinker line in 2025 (facts.md s4, V) "
            "-> at most 175 operating days, as the Chongqing instance's CQ-R2",
            "错峰生产（重庆）：2025 年每条熟料线错峰停窑 190 天，即年运行不超过 175 天（同重庆算例 CQ-R2）",
        ),
        StaggerRule(
            "NA-R10",
            ("zhejiang",),
            SOUTHERN_DAYS,
            seed_docs["zhejiang"],
            "as ZJ-R5",
            "staggered production, Zhejiang: no day count found; southern-province pattern -> at "
            "most 300 operating days (U), as the Zhejiang instance's ZJ-R5",
            "错峰生产（浙江）：文件未给天数；按南方省份惯例每条熟料线每年至多运行 300 天"
            "（U，同浙江算例 ZJ-R5）",
        ),
        StaggerRule(
            "NA-R11",
            SOUTH_WITHOUT_COUNT,
            SOUTHERN_DAYS,
            MIIT_STAGGER_DOC,
            "一 (other regions: days set locally)",
            "staggered production, other regions: every clinker line must stagger (201号, V) for "
            "the Spring Festival, summer heat, the rainy season and major events, days set locally; "
            "no provincial count found (Hunan 2020: at least 40 d in Q1 alone, V) -> southern "
            "pattern of 30-90 stop days a year, at most 300 operating days (U), as Zhejiang's",
            "错峰生产（其他地区）：所有熟料生产线都应进行错峰生产（工信部联原〔2020〕201号），春节、夏季"
            "高温、雨季和重大活动期间停窑，天数由各地确定；未查到本省天数（湖南 2020 年仅一季度即不少于 "
            "40 天）；按南方省份每年停窑 30-90 天的惯例，每条熟料线每年至多运行 300 天（U，同浙江）",
        ),
    ]


def days_cap(rules: list[StaggerRule], province: str, rated_days: float) -> float:
    """The operating days a clinker line of ``province`` may run (its rule, else rated)."""
    caps = [r.days for r in rules if province in r.provinces]
    return min([rated_days, *caps])
