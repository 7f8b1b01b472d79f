#!/usr/bin/env python3
"""Converts a seed gold annotation into planmon plan JSON v1 (used for test fixtures).

usage: gold_to_plan.py GOLD.json TITLE > PLAN.json
"""
import json
import re
import sys

AREAS = [("образов", "education"), ("здрав", "health"), ("заетост", "employment"),
         ("жилищ", "housing"), ("закон", "rule_of_law"), ("култур", "culture")]


def area(title):
    t = title.lower()
    return next((code for stem, code in AREAS if stem in t), None)


def period(text):
    if text is None:
        return None
    years = [int(y) for y in re.findall(r"\d{4}", text) if 1990 <= int(y) <= 2100]
    return {"text": text, "from": min(years) if years else None, "to": max(years) if years else None}


def main():
    gold = json.load(open(sys.argv[1], encoding="utf-8"))
    n = 0
    priorities = []
    for p in gold["priorities"]:
        objectives = []
        for o in p["objectives"]:
            measures = []
            for m in o["measures"]:
                n += 1
                measures.append({
                    "key": f"m{n}", "code": m["code"], "tasks": m["tasks"], "activities": m["activities"],
                    "institutions": m["institutions"], "period": period(m["period"]), "status": m["status"],
                    "amounts": [dict({"value": f"{a['value']}.00", "currency": a["currency"],
                                      "qualifier": a.get("qualifier")},
                                     **({"unit_missing": True} if a.get("unit_missing") else {}))
                                for a in m["amounts"]],
                    "funding_sources": m["funding_sources"],
                    "indicators": [{"key": f"i{i + 1}", "name": ind["name"], "kind": None,
                                    "baseline": ind["current"], "target": ind["target"]}
                                   for i, ind in enumerate(m["indicators"])],
                })
            objectives.append({"code": o["code"], "title": o["title"], "measures": measures})
        priorities.append({"number": p["number"], "title": p["title"], "national_area": area(p["title"]),
                           "operational_objective": p["operational_objective"], "objectives": objectives})
    plan = {"format": "planmon-plan/1", "municipality": gold["municipality"], "title": sys.argv[2],
            "period": gold["period"], "adoption": None, "priorities": priorities}
    json.dump(plan, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


main()
