"""Checks the codes of an IATI 2.03 activities file against the official codelists (the XSD
does not enforce them): python3 iati-codelists.py CODELIST_DIR FILE.xml"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

codelists_dir, path = Path(sys.argv[1]), sys.argv[2]


def codes(name):
    tree = ET.parse(codelists_dir / f"{name}.xml")
    return {e.text for e in tree.iter("code")}


# (element path, attribute, codelist)
CHECKS = [
    ("iati-activity/reporting-org", "type", "OrganisationType"),
    ("iati-activity/participating-org", "role", "OrganisationRole"),
    ("iati-activity/participating-org", "type", "OrganisationType"),
    ("iati-activity/activity-status", "code", "ActivityStatus"),
    ("iati-activity/activity-date", "type", "ActivityDateType"),
    ("iati-activity/recipient-country", "code", "Country"),
    ("iati-activity/related-activity", "type", "RelatedActivityType"),
    ("iati-activity/budget", "type", "BudgetType"),
    ("iati-activity/budget", "status", "BudgetStatus"),
    ("iati-activity/budget/value", "currency", "Currency"),
    ("iati-activity/result", "type", "ResultType"),
    ("iati-activity/result/indicator", "measure", "IndicatorMeasure"),
    ("iati-activity", "default-currency", "Currency"),
]
root = ET.parse(path).getroot()
errors = checked = 0
for where, attr, codelist in CHECKS:
    allowed = codes(codelist)
    for e in root.findall(where):
        value = e.get(attr)
        if value is None:
            continue
        checked += 1
        if value not in allowed:
            errors += 1
            print(f"{path}: {where}/@{attr} = {value!r} is not in codelist {codelist}")
ids = [e.text for e in root.iter("iati-identifier")]
for e in root.iter("related-activity"):
    if e.get("ref") not in ids:
        errors += 1
        print(f"{path}: related-activity {e.get('ref')} names no activity in the file")
print(f"{path}: {checked} codes checked against the IATI 2.03 codelists, {errors} wrong")
sys.exit(1 if errors else 0)
