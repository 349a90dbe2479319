"""Names of the shipped instances in Chinese and English, as a planner types them.

``--province 浙江``, ``--province 浙江省``, ``--province Zhejiang`` and ``--province zhejiang``
all name the same shipped folder ``zhejiang``.
"""

from __future__ import annotations

# folder name -> (Chinese short name, Chinese full name, English name)
PROVINCE_NAMES: dict[str, tuple[str, str, str]] = {
    "zhejiang": ("浙江", "浙江省", "Zhejiang"),
    "guizhou": ("贵州", "贵州省", "Guizhou"),
    "xinjiang": ("新疆", "新疆维吾尔自治区", "Xinjiang"),
    "chongqing": ("重庆", "重庆市", "Chongqing"),
    "national": ("全国", "全国", "National"),
}


def province_key(name: str) -> str:
    """The folder name a typed province name stands for (unknown names come back normalised)."""
    key = name.strip().lower()
    for folder, names in PROVINCE_NAMES.items():
        if key == folder or name.strip() in names or key in {n.lower() for n in names}:
            return folder
    return key


def display_name(instance: str, lang: str) -> str:
    """``浙江省`` / ``Zhejiang`` for a shipped instance; any other instance keeps its name."""
    names = PROVINCE_NAMES.get(str(instance).lower())
    if names is None:
        return str(instance)
    return names[1] if lang == "zh" else names[2]


__all__ = ["PROVINCE_NAMES", "display_name", "province_key"]
