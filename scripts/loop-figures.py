#!/usr/bin/env python3
# Loop figures of one `feedloop run --state-dir DIR --out DIR/report`: python3 scripts/loop-figures.py DIR
# (policy published -> generator serving it from the services' logs; the rest from the report's metrics.json).
import json, re, sys, statistics, datetime as dt
run = sys.argv[1]
m = json.load(open(f"{run}/report/metrics.json"))
def ts(line):
    return dt.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
pub = {}
for l in open(f"{run}/logs/trainer.log"):
    g = re.search(r"policy version (\d+) published", l)
    if g: pub[int(g.group(1))] = ts(l)
swap = {}
for l in open(f"{run}/logs/generator.log"):
    g = re.search(r"now serving policy version (\d+)", l)
    if g: swap[int(g.group(1))] = ts(l)
lat = [(swap[v] - pub[v]).total_seconds() for v in pub if v in swap]
pol = m["policies"]; rms = m["rewardModels"]
snap = m["last"]
dur = m["durationSeconds"]
fresh = []
for r in rms:
    later = [p["secondsSinceStart"] for p in pol if p["rewardModelVersion"] >= r["version"]]
    if later: fresh.append(min(later) - r["secondsSinceStart"])
rmgaps = [b["secondsSinceStart"] - a["secondsSinceStart"] for a, b in zip(rms, rms[1:])]
pgaps = [b["secondsSinceStart"] - a["secondsSinceStart"] for a, b in zip(pol, pol[1:])]
print(f"run {m['runId']}: {len(pol)} policy versions, {len(rms)} RM versions in {dur:.0f} s")
print(f"policy published -> generator serving it: median {statistics.median(lat):.2f} s over {len(lat)} versions (max {max(lat):.2f})" if lat else "no swaps")
print(f"RM version published -> first policy version trained on its scores: {fresh} s")
print(f"interval between RM versions: {rmgaps} s; between policy versions: {pgaps} s")
print(f"first RM version at {rms[0]['secondsSinceStart'] if rms else None} s, first policy version at {pol[0]['secondsSinceStart'] if pol else None} s")
print(f"rollouts {snap['rollouts']} scored {snap['scored']} feedback {snap['feedback']}")
print("win rates", [(p['version'], p['winRate']['winRate'] if p.get('winRate') else None) for p in pol])
