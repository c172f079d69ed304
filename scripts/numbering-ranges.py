"""Writes src/phone/numbering_ranges.tsv: the number metadata of Google's
libphonenumber (through its Python port, `pip install phonenumbers==9.0.33`)
that build.rs turns into matchers: per region, in each calling code's order
(main region first), its leading digits, national prefix for parsing and
transform rule, per type the possible lengths and the national number
pattern, then the lengths of numbers that are only dialled locally.

Generated, never edited by hand: python3 scripts/numbering-ranges.py
Columns (tab-separated): region, calling code, leading digits, national prefix
for parsing, transform rule, then general, premium_rate, toll_free,
shared_cost, voip, personal_number, pager, uan, voicemail, fixed_line, mobile,
each "<lengths>/<pattern>" (lengths comma-separated, may be empty) or "-",
then the local-only lengths (comma-separated, may be empty).
"""
import os
import re
import phonenumbers as p

assert p.__version__ == "9.0.33", p.__version__
TYPES = ["general_desc", "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail", "fixed_line", "mobile"]


def desc(d):
    if d is None or d.national_number_pattern is None:
        return "-"
    return ",".join(str(n) for n in d.possible_length) + "/" + d.national_number_pattern


rows = [f"# libphonenumber {p.__version__}, written by scripts/numbering-ranges.py\n"]
for cc in sorted(p.COUNTRY_CODE_TO_REGION_CODE):
    for region in p.COUNTRY_CODE_TO_REGION_CODE[cc]:
        m = p.PhoneMetadata.metadata_for_nongeo_region(cc) if region == "001" else p.PhoneMetadata.metadata_for_region(region)
        if m is None:
            continue
        rule = re.sub(r"\\(\d)", r"${\1}", m.national_prefix_transform_rule or "")
        cells = [region, str(cc), m.leading_digits or "", m.national_prefix_for_parsing or "", rule] + [desc(getattr(m, t)) for t in TYPES]
        cells.append(",".join(str(n) for n in m.general_desc.possible_length_local_only))
        assert not any("\t" in c or "\n" in c for c in cells)
        rows.append("\t".join(cells) + "\n")
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "phone", "numbering_ranges.tsv")
with open(out, "w") as f:
    f.write("".join(rows))
print(len(rows) - 1, "regions,", sum(map(len, rows)), "bytes")
