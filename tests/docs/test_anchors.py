"""Every link to a section of a document (docs/*.md, README.md, and those the settings point to)
names a heading that exists, as GitHub makes its anchor."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([A-Za-z0-9_./-]*\.md)?#([A-Za-z0-9_-]+)\)")


def anchors(path: Path) -> set[str]:
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title)))
    return found


def test_section_links_name_existing_headings():
    sources = [*ROOT.glob("docs/*.md"), ROOT / "README.md", ROOT / "server" / "sendward" / "config.py"]
    broken, checked = [], 0
    for source in sources:
        for target, anchor in LINK.findall(source.read_text(encoding="utf-8")):
            base = source.parent if source.suffix == ".md" else ROOT / "docs"
            path = (base / target) if target else source
            if path.suffix == ".md" and path.exists():
                checked += 1
                if anchor not in anchors(path):
                    broken.append(f"{source.relative_to(ROOT)} -> {target or source.name}#{anchor}")
    assert broken == [] and checked > 20
