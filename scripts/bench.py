#!/usr/bin/env python3
"""Side-by-side benchmarks: Kijko against the tool a user would otherwise run, same input, one run.

Each bench names its input (synthesised once into .build/bench-media by kijko synth) and a list of
contenders. Each contender runs --runs times (default 3), alternating with the others; the report
gives the median wall time, the peak resident memory (from wait4's rusage), and Kijko's ratio to
each peer. Machines are noisy: compare within one run only.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIJKO = os.path.join(ROOT, ".build", "release", "kijko")
MEDIA = os.path.join(ROOT, ".build", "bench-media")


def master(name, args):
    """Synthesises a bench input once; returns its path."""
    os.makedirs(MEDIA, exist_ok=True)
    path = os.path.join(MEDIA, name)
    if not os.path.exists(path):
        print(f"synthesising {name} …", file=sys.stderr)
        subprocess.run([KIJKO, "synth", path, *args], check=True, stdout=subprocess.DEVNULL)
    return path


def master_1080p():
    return master("master-1080p25-20s.mp4", ["--size", "1920x1080", "--rate", "25", "--frames", "500",
                                             "--cuts", "120,260,400"])


def bench_decode():
    src = master_1080p()
    return "decode every frame of a 20 s 1080p25 H.264/AAC master (video only)", [
        ("kijko stamps (decode + read stamp)", [KIJKO, "stamps", src]),
        ("ffmpeg -f null (decode)", ["ffmpeg", "-v", "error", "-nostdin", "-i", src, "-map", "0:v", "-f", "null", "-"]),
    ]


def bench_probe():
    src = master_1080p()
    return "probe a 20 s 1080p25 master, JSON out", [
        ("kijko probe --json", [KIJKO, "probe", "--json", src]),
        ("ffprobe -show_format -show_streams", ["ffprobe", "-v", "error", "-print_format", "json",
                                                "-show_format", "-show_streams", src]),
    ]


def bench_count():
    # Matroska keeps no frame count, so both tools must read every packet.
    src = master("master-1080p25-20s.mkv", ["--size", "1920x1080", "--rate", "25", "--frames", "500"])
    return "count frames of a 20 s 1080p25 mkv by reading packets (no decode)", [
        ("kijko probe --count-frames", [KIJKO, "probe", "--count-frames", "--json", src]),
        ("ffprobe -count_packets", ["ffprobe", "-v", "error", "-count_packets", "-show_streams", "-of", "json", src]),
    ]


def bench_synth():
    out = os.path.join(MEDIA, "synth-out")
    os.makedirs(out, exist_ok=True)
    return "synthesise 10 s of 1080p25 testsrc2 + 1 kHz stereo tone, x264 veryfast crf 18 + AAC, mp4", [
        ("kijko synth (stamped)", [KIJKO, "synth", os.path.join(out, "k.mp4"), "--size", "1920x1080",
                                   "--rate", "25", "--frames", "250"]),
        ("ffmpeg lavfi -> libx264 + aac", [
            "ffmpeg", "-v", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25,format=yuv420p",
            "-f", "lavfi", "-i", "aevalsrc=exprs='0.0708*sin(2*PI*1000*t)|0.0708*sin(2*PI*1000*t+PI/2)':s=48000",
            "-frames:v", "250", "-t", "10", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-g", "50",
            "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", os.path.join(out, "f.mp4")]),
    ]


BENCHES = {"decode": bench_decode, "probe": bench_probe, "count": bench_count, "synth": bench_synth}


def measure(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"error: {' '.join(cmd[:3])}… failed: {err.strip()[:300]}")
    return wall, usage.ru_maxrss / 1024.0  # MiB (ru_maxrss is KiB on Linux)


def run(name, runs):
    title, contenders = BENCHES[name]()
    results = {label: ([], []) for label, _ in contenders}
    for _ in range(runs):
        for label, cmd in contenders:
            wall, rss = measure(cmd)
            results[label][0].append(wall)
            results[label][1].append(rss)
    print(f"bench {name}: {title}  ({runs} runs each, median wall, peak RSS)")
    width = max(len(label) for label, _ in contenders)
    rows = []
    for label, _ in contenders:
        walls, rsss = results[label]
        rows.append((label, statistics.median(walls), max(rsss)))
        print(f"  {label:<{width}}  {statistics.median(walls):8.3f} s  {max(rsss):8.1f} MiB")
    kijko = rows[0]
    for label, wall, rss in rows[1:]:
        print(f"  ratio kijko/{label.split()[0]}: wall {kijko[1] / wall:.2f}x, memory {kijko[2] / rss:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="a bench name, 'all', or 'list'")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.name == "list":
        for name, make in BENCHES.items():
            print(f"{name}: {make.__doc__ or ''}".strip())
        return
    names = list(BENCHES) if args.name == "all" else [args.name]
    for name in names:
        if name not in BENCHES:
            sys.exit(f"error: no bench named {name} (have: {', '.join(BENCHES)})")
        run(name, args.runs)


if __name__ == "__main__":
    main()
