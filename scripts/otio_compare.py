#!/usr/bin/env python3
"""Compares Kijko's reading of CMX 3600 EDLs with OpenTimelineIO's.

For each EDL: `kijko edl convert X.edl X.otio`, then OpenTimelineIO reads both X.otio and X.edl
(with the otio-cmx3600-adapter) and the two timelines are compared track by track: clip names,
source ranges, gaps, transitions (type, in and out offsets), effects and markers. Prints one line
per EDL and exits 1 on any difference that is not a known OpenTimelineIO error, which is listed
with the reason Kijko differs.

usage: otio_compare.py KIJKO RATE:EDL [RATE:EDL ...]
"""
import json
import os
import subprocess
import sys
import tempfile

import opentimelineio as otio


def items(track):
    """Comparable items of a track: leading gaps dropped (OpenTimelineIO offsets the track instead)."""
    out = []
    for item in track:
        if isinstance(item, otio.schema.Gap):
            if out:
                out.append(("gap", item.source_range.duration.value))
        elif isinstance(item, otio.schema.Transition):
            out.append(("transition", item.transition_type, item.in_offset.value, item.out_offset.value))
        else:
            effects = tuple((e.effect_name, round(getattr(e, "time_scalar", 0.0), 6)) for e in item.effects)
            markers = tuple((m.name, m.marked_range.start_time.value) for m in item.markers)
            sr = item.source_range
            out.append(("clip", item.name, sr.start_time.value, sr.duration.value, effects, markers))
    return out


def shape(timeline):
    return {t.name: (str(t.kind), items(t)) for t in timeline.tracks}


def known_difference(ours, theirs):
    """Reason for a difference that is OpenTimelineIO's error, or None."""
    if ours[0] != "clip" or theirs[0] != "clip":
        return None
    if ours[:5] == theirs[:5] and ours[5] != theirs[5]:
        return "LOC markers: OpenTimelineIO places the record timecode as a source time; Kijko converts it"
    if (ours[4] == (("FreezeFrame", 0.0),) and theirs[4] == () and theirs[1] == ours[1] + " FF"
            and ours[2:4] == theirs[2:4] and ours[5] == theirs[5]):
        return ("a freeze frame whose source and record lengths agree: OpenTimelineIO drops its M2 and "
                "FREEZE FRAME (and keeps ' FF' in the name); Kijko keeps the freeze")
    return None


def exact_rate(text):
    """The float OpenTimelineIO wants for a rate: NTSC rates as their exact quotient."""
    named = {"23.976": (24000, 1001), "29.97": (30000, 1001), "59.94": (60000, 1001)}
    if "/" in text:
        num, den = text.split("/")
        return int(num) / int(den)
    if text in named:
        return named[text][0] / named[text][1]
    return float(text)


def compare(kijko, rate, edl):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "k.otio")
        run = subprocess.run([kijko, "edl", "convert", edl, out, "--rate", rate], capture_output=True, text=True)
        if run.returncode != 0:
            return False, f"kijko failed: {run.stderr.strip()}"
        ours = shape(otio.adapters.read_from_file(out))
        theirs = shape(otio.adapters.read_from_file(edl, adapter_name="cmx_3600", rate=exact_rate(rate)))
    notes = []
    if sorted(ours) != sorted(theirs):
        return False, f"tracks differ: kijko {sorted(ours)} vs otio {sorted(theirs)}"
    for name in ours:
        if ours[name][0] != theirs[name][0]:
            return False, f"track {name}: kind {ours[name][0]} vs {theirs[name][0]}"
        a, b = ours[name][1], theirs[name][1]
        if len(a) != len(b):
            return False, f"track {name}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                reason = known_difference(x, y)
                if reason is None:
                    return False, f"track {name} item {i}: kijko {x} vs otio {y}"
                notes.append(reason)
    count = sum(len(v[1]) for v in ours.values())
    return True, f"{count} items match" + (f" (known OTIO differences: {'; '.join(sorted(set(notes)))})" if notes else "")


def main():
    kijko, specs = sys.argv[1], sys.argv[2:]
    ok = True
    results = []
    for spec in specs:
        rate, edl = spec.split(":", 1)
        same, message = compare(kijko, rate, edl)
        ok &= same
        results.append({"edl": edl, "rate": rate, "same": same, "message": message})
        print(f"{'same' if same else 'DIFF'}  {os.path.basename(edl)} @ {rate}: {message}")
    if os.environ.get("OTIO_COMPARE_JSON"):
        with open(os.environ["OTIO_COMPARE_JSON"], "w") as f:
            json.dump(results, f, indent=2)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
