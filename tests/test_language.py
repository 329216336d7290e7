"""Languages: detection weighs scripts, the pair is printed, a pair in the wrong order is refused (--swap),
reports name the real languages; and the encodings a Chinese file comes in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aligner.cli import main
from aligner.language import detect_language, language_name
from aligner.readers.text import decode_bytes

# A Chinese README in the style of a project page: badges, links, an HTML block, a table and plenty of code.
# Its Han characters are far fewer than its Latin letters, which made the old rule call it Portuguese.
BADGES = """\
[![{build}](https://img.shields.io/github/actions/workflow/status/example/tool/ci.yml?branch=main)](https://github.com/example/tool/actions) [![PyPI](https://img.shields.io/pypi/v/tool.svg)](https://pypi.org/project/tool/)

<p align="center"><img src="docs/logo.png" alt="logo" width="200"></p>
"""
CODE = """\
```bash
pip install tool
tool render --input output.txt --output picture.png --theme dark --font "DejaVu Sans Mono" --width 120
curl -sSL https://example.com/install.sh | bash -s -- --prefix /usr/local --with-plugins
```
"""
TABLE = """\
| option | default | description |
|---|---|---|
| `--theme` | `light` | {theme} |
| `--width` | `80` | {width} |
"""
ZH_README = f"""\
# 小工具

{BADGES.format(build="构建状态")}
这是一个把命令行输出变成图片的小工具。它支持彩色文字、表格和代码高亮。
安装以后，运行 `tool render --input output.txt --output picture.png --theme dark` 就可以得到图片。

{CODE}
{TABLE.format(theme="主题", width="宽度")}
更多例子见 [文档](https://example.com/docs/getting-started/index.html)，问题请发到 support@example.com。
如果你喜欢这个项目，请给它点个星。
"""
EN_README = f"""\
# tool

{BADGES.format(build="Build status")}
This is a small tool that turns command-line output into pictures. It supports coloured text, tables and code highlighting.
Once installed, run `tool render --input output.txt --output picture.png --theme dark` to get a picture.

{CODE}
{TABLE.format(theme="theme", width="width")}
See [the documentation](https://example.com/docs/getting-started/index.html) for more examples, and send problems to support@example.com.
If you like this project, please give it a star.
"""


def test_the_readme_fixture_defeats_a_letter_share_rule() -> None:
    han = len(re.findall(r"[\u4e00-\u9fff]", ZH_README))
    letters = sum(ch.isalpha() for ch in ZH_README)
    assert han < 0.2 * letters  # the old rule (Han over a fifth of all letters) said "not Chinese"


@pytest.mark.parametrize("text, expected", [
    (ZH_README, "zh"),
    (EN_README, "en"),
    ("今天天气很好。我们去公园散步。", "zh"),
    ("臺北的捷運系統今年新增了兩條路線。", "zh"),
    ("今日はいい天気ですね。公園に行きましょう。", "ja"),
    ("오늘 날씨가 좋네요. 공원에 갑시다.", "ko"),
    # an English text quoting a few Chinese names stays English
    ("The poet Li Bai (李白) and his friend Du Fu (杜甫) met in Luoyang in the spring of 744, and the "
     "meeting became one of the most celebrated in the history of Chinese literature.", "en"),
    ("Der Hund und die Katze sind nicht im Haus, sondern auf der Straße mit dem Kind.", "de"),
])
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_language_names() -> None:
    assert (language_name("zh"), language_name("zh-TW"), language_name("en"), language_name("xx")) == \
        ("Chinese", "Chinese", "English", "xx")


@pytest.fixture
def readmes(tmp_path: Path) -> tuple[Path, Path]:
    zh, en = tmp_path / "README.zh.md", tmp_path / "README.md"
    zh.write_text(ZH_README, encoding="utf-8")
    en.write_text(EN_README, encoding="utf-8")
    return zh, en


def align(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["align", *map(str, args), "--encoder", "hash", "--no-cache"])
    return result.exit_code, result.stdout, result.stderr


def test_readme_pair_is_detected_and_the_pair_printed(readmes, tmp_path: Path) -> None:
    code, _, err = align(*readmes, "-o", tmp_path / "out", "--formats", "tmx")
    assert code == 0, err
    assert "aligner: languages zh → en (detected)" in err.splitlines()
    assert etree.parse(str(tmp_path / "out.tmx")).getroot().find("header").get("srclang") == "zh-CN"


def test_given_languages_are_said_to_be_given(readmes, tmp_path: Path) -> None:
    code, _, err = align(*readmes, "-o", tmp_path / "out", "--formats", "beads", "--src-lang", "zh")
    assert code == 0, err
    assert "aligner: languages zh (given) → en (detected)" in err.splitlines()
    code, _, err = align(*readmes, "-o", tmp_path / "out", "--formats", "beads", "-q")
    assert code == 0 and "languages" not in err


def test_wrong_order_is_one_clear_error_and_swap_fixes_it(readmes, tmp_path: Path) -> None:
    zh, en = readmes
    code, _, err = align(en, zh, "-o", tmp_path / "out", "--formats", "tmx")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("aligner: error: ")
    assert "looks English and the second Chinese" in err and "--swap" in err
    assert not list(tmp_path.glob("out.*"))

    code, _, err = align(en, zh, "-o", tmp_path / "out", "--formats", "tmx", "--swap")
    assert code == 0, err
    assert "languages zh → en" in err
    tmx = etree.parse(str(tmp_path / "out.tmx")).getroot()
    assert tmx.find("header").get("srclang") == "zh-CN"
    first = tmx.find("body/tu")
    assert re.search(r"[\u4e00-\u9fff]", first.findall("tuv")[0].findtext("seg"))  # Chinese in the source


def test_swap_names_the_outputs_after_the_chinese_file(readmes, tmp_path: Path) -> None:
    zh, en = readmes
    code, _, err = align(en, zh, "--formats", "beads", "--swap")
    assert code == 0, err
    assert (tmp_path / "README.beads").exists()  # named after README.zh.md, the Chinese file


def test_chinese_as_target_when_asked_is_allowed(readmes, tmp_path: Path) -> None:
    zh, en = readmes
    code, _, err = align(en, zh, "-o", tmp_path / "out", "--formats", "beads", "--src-lang", "en",
                         "--tgt-lang", "zh")
    assert code == 0, err


def test_review_is_labelled_with_the_real_languages(tmp_path: Path) -> None:
    fr, en = tmp_path / "doc.fr.txt", tmp_path / "doc.en.txt"
    fr.write_text("Le chat dort sur le canapé. Il fait beau aujourd'hui.\nNous allons au marché.\n", encoding="utf-8")
    en.write_text("The cat sleeps on the sofa. The weather is fine today.\nWe are going to the market.\n",
                  encoding="utf-8")
    code, _, err = align(fr, en, "-o", tmp_path / "out", "--formats", "review", "--src-lang", "fr",
                         "--tgt-lang", "en")
    assert code == 0, err
    html = (tmp_path / "out.review.html").read_text(encoding="utf-8")
    assert "French sentences and" in html and "<div>French</div><div>English</div>" in html
    # no heading, summary line or plain reason says Chinese for a French text (the technical "details" may)
    start = html.index('<script type="application/json" id="review-data">')
    assert "Chinese" not in html[:start]
    page = json.loads(html[start:].split(">", 1)[1].split("</script>", 1)[0])
    assert not [f for f in page["flags"] if "Chinese" in f["title"] + f["why"]]
    data = json.loads((tmp_path / "out.review.json").read_text(encoding="utf-8"))
    assert (data["src_lang"], data["tgt_lang"]) == ("fr", "en")


# --- encodings -------------------------------------------------------------------------------------------

def test_big5_hkscs_is_read() -> None:
    text = "𨋢是香港人對電梯的叫法。大家都搭𨋢上樓。\n"
    data = text.encode("big5hkscs")
    with pytest.raises(UnicodeDecodeError):
        data.decode("big5")  # the Hong Kong character is not Big5
    assert decode_bytes(data, "x") == (text, "big5hkscs")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_when_clearly_utf16(encoding: str) -> None:
    text = "臺北的捷運 MRT 今年新增了兩條路線。\nTwo new lines.\n"
    assert decode_bytes(text.encode(encoding), "x") == (text, encoding)


def test_binary_with_nul_bytes_is_still_refused() -> None:
    from aligner.errors import InputError

    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00", "x")
