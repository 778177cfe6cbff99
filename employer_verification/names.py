"""Organisation names: normalisation, similarity and shingles.

Two spellings of one registered name must compare equal, so :func:`normalize_name`

1. applies Unicode NFKC (full-width letters, digits, brackets and spaces become half-width:
   ``（中国）`` -> ``(中国)``);
2. maps common traditional characters to simplified ones (a small table of characters seen in
   organisation names — cheap, not a full converter);
3. drops whitespace, brackets of every kind and separators (``·``, ``-``, quotes), keeping what
   was inside brackets (``(中国)`` -> ``中国``);
4. upper-cases Latin letters;
5. folds the company-form suffixes ``股份有限公司`` / ``有限责任公司`` to ``有限公司`` (the
   registry and the employer may disagree on which of these the company is).

:func:`similarity` is the ratio of matching characters of two normalised names (difflib),
between 0 and 1.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Final

_TRADITIONAL: Final = (
    "國国際际貿贸電电華华東东業业發发產产術术網网絡络資资訊讯開开廣广實实專专銀银醫医藥药"
    "學学會会廠厂紡纺織织機机設设計计經经濟济貨货運运輸输農农鋼钢鐵铁團团體体興兴豐丰龍龙"
    "鳳凤區区縣县場场傳传數数據据雲云聯联線线壓压車车飛飞達达億亿萬万門门灣湾臺台園园圖图"
    "書书協协質质測测檢检驗验環环衛卫護护養养寶宝納纳億亿鑫鑫創创營营銷销獨独資资嶺岭滬沪"
    "廈厦漢汉遼辽黃黄蘇苏陝陕閩闽贛赣魯鲁豫豫粵粤滇滇黔黔貴贵寧宁龍龙長长門门廳厅飯饭館馆"
    "鋁铝銅铜鋰锂礦矿煉炼氣气燈灯鐘钟錶表顧顾問问諮咨詢询訓训練练億亿動动態态號号財财險险"
    "證证券券訂订購购買买賣卖雜杂誌志媒媒體体視视聽听樂乐電电腦脑硬硬軟软體体優优選选導导"
    "師师範范與与為为個个們们來来這这時时過过還还對对點点後后產产態态條条問问題题總总統统"
    "責责務务權权減减從从屬属紹绍維维護护廣广州州陽阳鄉乡鎮镇備备擁拥戶户舊旧新新廬庐"
)
_T2S: Final = {
    ord(_TRADITIONAL[i]): _TRADITIONAL[i + 1]
    for i in range(0, len(_TRADITIONAL) - 1, 2)
    if _TRADITIONAL[i] != _TRADITIONAL[i + 1]
}
_DROP: Final = re.compile(r"[\s()\[\]{}<>【】〔〕〖〗「」『』《》〈〉·•・\-_'\"“”‘’,，.。、]+")
_FORMS: Final = (("有限责任公司", "有限公司"), ("股份有限公司", "有限公司"))
"""Applied in this order, so that a garbled 股份有限责任公司 folds too."""


def to_simplified(text: str) -> str:
    return text.translate(_T2S)


def normalize_name(name: str) -> str:
    """The comparison form of an organisation name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name)
    text = to_simplified(text)
    text = _DROP.sub("", text).upper()
    for long_form, short_form in _FORMS:
        text = text.replace(long_form, short_form)
    return text


def similarity(a: str, b: str) -> float:
    """How alike two *normalised* names are: 1.0 equal, 0.0 nothing in common."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def shingles(normalized: str, size: int = 2) -> set[str]:
    """Character n-grams of a normalised name (the whole name when it is shorter)."""
    if len(normalized) <= size:
        return {normalized} if normalized else set()
    return {normalized[i : i + size] for i in range(len(normalized) - size + 1)}
