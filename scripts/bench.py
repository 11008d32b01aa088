#!/usr/bin/env python3
"""Side-by-side benchmarks: Kijko against the tool a user would otherwise run, same input, one run.

Each bench names its input (synthesised once into .build/bench-media by kijko synth) and a list of
contenders. Each contender runs --runs times (default 3), alternating with the others; the report
gives the median wall time, the peak resident memory (from wait4's rusage), and Kijko's ratio to
each peer. Machines are noisy: compare within one run only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIJKO = os.path.join(ROOT, ".build", "release", "kijko")
# Another kijko build to run beside this one (--baseline, or KIJKO_BASELINE): every kijko row gets a twin.
BASELINE = os.environ.get("KIJKO_BASELINE")
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
        ("kijko probe --count-packets", [KIJKO, "probe", "--count-packets", "--json", src]),
        ("ffprobe -count_packets", ["ffprobe", "-v", "error", "-count_packets", "-show_streams", "-of", "json", src]),
    ]


def bench_count_decoded():
    # Both decode every frame of every stream; kijko also counts the damage decoding meets.
    src = master("master-1080p25-20s.mkv", ["--size", "1920x1080", "--rate", "25", "--frames", "500"])
    return "count decoded frames of a 20 s 1080p25 mkv with sound (decode everything)", [
        ("kijko probe --count-frames", [KIJKO, "probe", "--count-frames", "--json", src]),
        ("ffprobe -count_frames", ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", src]),
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


def bench_assemble():
    """30-event EDL over three 1080p25 sources: kijko assemble vs one ffmpeg trim/concat graph."""
    reels = {"A001": "01:00:00:00", "B002": "02:00:00:00", "C003": "03:00:00:00"}
    folder = os.path.join(MEDIA, "assemble")
    os.makedirs(folder, exist_ok=True)
    paths = {}
    for i, (reel, tc) in enumerate(reels.items()):
        paths[reel] = master(os.path.join("assemble", reel + ".mp4"),
                             ["--size", "1920x1080", "--rate", "25", "--frames", "1500", "--timecode", tc,
                              "--cuts", str(300 + 100 * i)])
    events = []
    record = 36000 * 25  # 10:00:00:00
    for n in range(30):
        reel = list(reels)[n % 3]
        start = (n * 397) % 1400
        length = 40 + (n * 13) % 30
        events.append((reel, start, length))
    lines = ["TITLE: bench", "FCM: NON-DROP FRAME"]
    def tc(frames):
        return "%02d:%02d:%02d:%02d" % (frames // 90000, frames // 1500 % 60, frames // 25 % 60, frames % 25)
    for n, (reel, start, length) in enumerate(events):
        base = int(reels[reel][:2]) * 90000
        lines.append("%03d  %-8s V     C        %s %s %s %s" % (n + 1, reel, tc(base + start), tc(base + start + length),
                                                               tc(record), tc(record + length)))
        record += length
    edl = os.path.join(folder, "bench.edl")
    with open(edl, "w") as f:
        f.write("\n".join(lines) + "\n")
    # The same cut with an ASC CDL on every event (the grade on), and the peer's way to the same
    # numbers: lutrgb for slope/offset/power, colorchannelmixer for saturation about Rec. 709 luma.
    slope, offset, power, sat = (1.2, 1.0, 0.8), (0.05, 0.0, -0.02), (1.0, 1.1, 0.9), 0.8
    graded_lines = []
    for line in lines:
        graded_lines.append(line)
        if line[:3].isdigit():
            graded_lines += ["* ASC_SOP (%g %g %g)(%g %g %g)(%g %g %g)" % (*slope, *offset, *power), "* ASC_SAT %g" % sat]
    edl_graded = os.path.join(folder, "bench-graded.edl")
    with open(edl_graded, "w") as f:
        f.write("\n".join(graded_lines) + "\n")
    lut = ":".join("%s='pow(clip(val/maxval*%g+%g,0,1),%g)*maxval+0.5'" % (c, slope[i], offset[i], power[i]) for i, c in enumerate("rgb"))
    w = (0.2126, 0.7152, 0.0722)
    mix = ":".join("%s%s=%.6f" % (o, c, (w[j] + sat * (1 - w[j])) if o == c else w[j] * (1 - sat))
                   for o in "rgb" for j, c in enumerate("rgb"))
    # Through 16-bit RGB with accurate rounding and the BT.709 matrix both ways, as Kijko grades.
    grade = (f"scale=flags=accurate_rnd+full_chroma_int:in_color_matrix=bt709:in_range=tv,format=gbrp16le,"
             f"lutrgb={lut},colorchannelmixer={mix},scale=flags=accurate_rnd+full_chroma_int:out_color_matrix=bt709:out_range=tv,")
    # A 33-point show LUT (a warm film look with channel crosstalk), applied by each side the same
    # way: Kijko tetrahedrally in 16-bit RGB; ffmpeg's lut3d (tetrahedral) in 16-bit RGB, BT.709 both ways.
    cube = os.path.join(folder, "bench-look.cube")
    with open(cube, "w") as f:
        f.write("TITLE \"bench look\"\nLUT_3D_SIZE 33\n")
        for b in range(33):
            for g in range(33):
                for r in range(33):
                    x, y, z = r / 32, g / 32, b / 32
                    f.write("%.6f %.6f %.6f\n" % (min(1, 0.85 * x + 0.15 * y) ** 0.9 + 0.03, 0.1 * x + 0.8 * y + 0.1 * z,
                                                   0.9 * z ** 0.5 + 0.05 * x))
    lut3d = (f"scale=flags=accurate_rnd+full_chroma_int:in_color_matrix=bt709:in_range=tv,format=gbrp16le,"
             f"lut3d=file={cube}:interp=tetrahedral,scale=flags=accurate_rnd+full_chroma_int:out_color_matrix=bt709:out_range=tv,")
    order = list(reels)
    def concat_graph(graded, look=None):
        graph, labels = [], []
        for n, (reel, start, length) in enumerate(events):
            i = order.index(reel)
            a0, a1 = start * 1920, (start + length) * 1920
            graph.append(f"[{i}:v]trim=start_frame={start}:end_frame={start + length},setpts=PTS-STARTPTS,"
                         f"scale=1920:1080,setsar=1,{grade if graded else ''}{look or ''}format=yuv420p[v{n}]")
            graph.append(f"[{i}:a]atrim=start_sample={a0}:end_sample={a1},asetpts=PTS-STARTPTS[a{n}]")
            labels.append(f"[v{n}][a{n}]")
        graph.append("".join(labels) + f"concat=n={len(events)}:v=1:a=1[v][a]")
        return ";".join(graph)
    graph = concat_graph(False).split(";")
    out_k = os.path.join(folder, "k.mp4")
    out_f = os.path.join(folder, "f.mp4")
    inputs = []
    for reel in order:
        inputs += ["-i", paths[reel]]
    frames = sum(e[2] for e in events)

    def split(rows, printed):
        """Where each Kijko render's time went (its --json report's timing), per frame."""
        print("  where kijko's time went (x264's own threads run beside both), ms a frame:")
        for label, _, _ in rows:
            timing = json.loads(printed[label]).get("render", {}).get("timing") if label.startswith("kijko") else None
            if not timing:  # a peer, or a baseline binary older than the split
                continue
            picture = ", ".join(f"{key} {timing[key] / frames * 1000:.1f}" for key in ("picture", "grade", "wait_for_encoder"))
            encode = ", ".join(f"{key} {timing[key] / frames * 1000:.1f}" for key in ("encode", "sound", "wait_for_pictures"))
            print(f"    {label}: picture thread: {picture}; encoding thread: {encode}; wall {timing['total'] / frames * 1000:.1f}")

    return f"render a {len(events)}-event EDL ({frames} frames) from three 60 s 1080p25 sources, x264 veryfast crf 20 + AAC", [
        ("kijko assemble", [KIJKO, "assemble", "--edl", edl, "--media", folder, "--out", out_k, "--rate", "25",
                            "--size", "1920x1080", "--json"]),
        ("ffmpeg trim/concat graph", ["ffmpeg", "-v", "error", "-nostdin", "-y", *inputs, "-filter_complex", ";".join(graph),
                                      "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                                      "-g", "50", "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", out_f]),
        ("kijko assemble, a CDL on every event", [KIJKO, "assemble", "--edl", edl_graded, "--media", folder, "--out", out_k,
                                                  "--rate", "25", "--size", "1920x1080", "--json"]),
        ("ffmpeg graph + lutrgb/colorchannelmixer grade", ["ffmpeg", "-v", "error", "-nostdin", "-y", *inputs, "-filter_complex",
                                                           concat_graph(True), "-map", "[v]", "-map", "[a]", "-c:v", "libx264",
                                                           "-preset", "veryfast", "-crf", "20", "-g", "50", "-c:a", "aac",
                                                           "-b:a", "192k", "-movflags", "+faststart", out_f]),
        ("kijko assemble --lut (33-point .cube)", [KIJKO, "assemble", "--edl", edl, "--media", folder, "--out", out_k,
                                                   "--rate", "25", "--size", "1920x1080", "--lut", cube, "--json"]),
        ("ffmpeg graph + lut3d (tetrahedral)", ["ffmpeg", "-v", "error", "-nostdin", "-y", *inputs, "-filter_complex",
                                                concat_graph(False, lut3d), "-map", "[v]", "-map", "[a]", "-c:v", "libx264",
                                                "-preset", "veryfast", "-crf", "20", "-g", "50", "-c:a", "aac",
                                                "-b:a", "192k", "-movflags", "+faststart", out_f]),
    ], split


def bench_qc():
    """Full pixel+audio QC audit of a 20 s 1080p master vs bare decode vs the ffmpeg detection chain."""
    src = master("master-1080p25-20s-legal.mp4", ["--size", "1920x1080", "--rate", "25", "--frames", "500",
                                                  "--cuts", "120,260,400"])
    out = os.path.join(MEDIA, "qc")
    return "audit a 20 s 1080p25 H.264/AAC master (every pixel of every frame, and the sound)", [
        ("kijko qc", [KIJKO, "qc", src, "--out", out]),
        ("ffmpeg -f null (bare decode)", ["ffmpeg", "-v", "error", "-nostdin", "-i", src, "-f", "null", "-"]),
        # The same checks through the CLI's filters: levels, black, freeze, bars, combing, blocking.
        ("ffmpeg signalstats,blackdetect,freezedetect,cropdetect,idet,blockdetect + ebur128,silencedetect",
         ["ffmpeg", "-v", "error", "-nostdin", "-i", src, "-vf", "signalstats,blackdetect,freezedetect,cropdetect,idet,blockdetect",
          "-af", "ebur128=peak=true,silencedetect", "-f", "null", "-"]),
    ]


def real_shots_1080p():
    """The real-footage shot corpus (Tests/corpus/make_shots.py) at 1920x1080, built once: returns its
    path and its truth (cuts, dissolves, fades, calm ranges)."""
    import json
    path = os.path.join(MEDIA, "shots-real-1080p25.mp4")
    truth_path = path + ".truth.json"
    if not (os.path.exists(path) and os.path.exists(truth_path)):
        pictures = os.path.join(ROOT, ".build", "real-pictures")
        print("building the real-footage shot clip at 1080p …", file=sys.stderr)
        made = subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "corpus", "make_shots.py"), "--size", "1920x1080",
                               pictures, path], check=True, capture_output=True, text=True)
        with open(truth_path, "w") as out:
            out.write(made.stdout)
    with open(truth_path) as f:
        return path, json.load(f)


def score_shots(name, truth, cuts, transitions):
    """One detector's line: each planted cut found (at its frame, or a frame off), each dissolve and
    fade found as a transition (or only as a cut), and the boundaries it reported where there was none.
    `cuts`: frames where a new shot starts on a cut; `transitions`: (kind, start, end) frame ranges."""
    spans = {"dissolve": [tuple(d) for d in truth["dissolves"]], "fade": [tuple(f) for f in truth["fades"]]}
    def within(frame, span, slack=2):
        return span[0] - slack <= frame <= span[1] + slack
    exact = sum(1 for c in truth["cuts"] if c in cuts)
    near = sum(1 for c in truth["cuts"] if c not in cuts and (c - 1 in cuts or c + 1 in cuts))
    found, as_cut = {}, {}
    for kind, planted in spans.items():
        found[kind] = sum(1 for sp in planted if any(t[1] < sp[1] + 2 and t[2] > sp[0] - 2 and
                                                      (t[0] == kind or (kind == "fade" and t[0].startswith("fade")))
                                                      for t in transitions))
        as_cut[kind] = sum(1 for sp in planted if any(within(c, sp) for c in cuts))
    every = [(c, c) for c in cuts] + [(t[1], t[2]) for t in transitions]
    true_spans = [(c, c) for c in truth["cuts"]] + spans["dissolve"] + spans["fade"]
    false = [b for b in every if not any(b[1] >= sp[0] - 2 and b[0] <= sp[1] + 2 for sp in true_spans)]
    reported = len(every)
    hits = sum(1 for sp in true_spans if any(b[1] >= sp[0] - 2 and b[0] <= sp[1] + 2 for b in every))
    precision = (reported - len(false)) / reported if reported else 1.0
    recall = hits / len(true_spans)
    def kinds(kind):
        total = len(spans[kind])
        text = f"{found[kind]}/{total}"
        return text + (f" (+{as_cut[kind] - found[kind]} as a cut)" if as_cut[kind] > found[kind] else "")
    print(f"  {name:<34} cuts {exact}/{len(truth['cuts'])} at the frame" + (f" (+{near} a frame off)" if near else "") +
          f", dissolves {kinds('dissolve')}, fades {kinds('fade')}, false boundaries {len(false)}"
          f" {[b[0] for b in false]}; precision {precision:.2f}, recall {recall:.2f}", file=sys.stderr)
    return sorted(cuts)


def scenedetect_cuts(scenedetect, src, out, detector):
    """The cut frames PySceneDetect lists (the first frame of each scene after the first)."""
    for f in os.listdir(out):
        if f.endswith(".csv"):
            os.remove(os.path.join(out, f))
    subprocess.run([scenedetect, "-q", "-i", src, "-o", out, detector, "list-scenes", "-s"], check=True, capture_output=True)
    csv = [f for f in os.listdir(out) if f.endswith(".csv")]
    if not csv:
        return []
    rows = [r for r in open(os.path.join(out, csv[0])).read().splitlines() if r.strip()]
    header = next(i for i, r in enumerate(rows) if r.startswith("Scene Number"))
    return [int(r.split(",")[1]) - 1 for r in rows[header + 1:]][1:]


def bench_shots():
    """Shot detection on a real-looking 1080p clip: kijko keyframes vs PySceneDetect's content and adaptive detectors,
    scored against the clip's truth before timing."""
    import json
    src, truth = real_shots_1080p()
    scenedetect = os.path.join(ROOT, ".build", "scenedetect-venv", "bin", "scenedetect")
    out = os.path.join(MEDIA, "scenedetect")
    os.makedirs(out, exist_ok=True)
    print(f"truth: cuts {truth['cuts']}, dissolves {truth['dissolves']}, fades {truth['fades']} ({truth['frames']} frames)",
          file=sys.stderr)
    result = json.loads(subprocess.run([KIJKO, "keyframes", src, "--json"], check=True, capture_output=True, text=True).stdout)
    transitions = [(t["kind"], t["start_frame"], t["end_frame"]) for t in result["transitions"]]
    kijko_cuts = [s["start_frame"] for s in result["shots"][1:]
                  if not any(t[1] - 1 <= s["start_frame"] <= t[2] + 1 for t in transitions)]
    cuts = {"kijko keyframes": score_shots("kijko keyframes", truth, kijko_cuts, transitions)}
    for detector in ("detect-content", "detect-adaptive"):
        cuts[detector] = score_shots(f"scenedetect {detector}", truth, scenedetect_cuts(scenedetect, src, out, detector), [])
    print(f"kijko's cuts {cuts['kijko keyframes']}; detect-content's {cuts['detect-content']}", file=sys.stderr)
    return (f"find the shots of a real-looking 1080p25 clip ({truth['frames']} frames: "
            f"{len(truth['cuts'])} cuts, a dissolve, a fade, camera moves)"), [
        ("kijko keyframes --json", [KIJKO, "keyframes", src, "--json"]),
        ("scenedetect detect-content", [scenedetect, "-q", "-i", src, "-o", out, "detect-content", "list-scenes", "-n", "-s"]),
        ("scenedetect detect-adaptive", [scenedetect, "-q", "-i", src, "-o", out, "detect-adaptive", "list-scenes", "-n", "-s"]),
        # The floor for any detector that looks at every frame.
        ("ffmpeg -f null (bare decode)", ["ffmpeg", "-v", "error", "-nostdin", "-i", src, "-f", "null", "-"]),
    ]


VERSION_PRESETS = [  # name, width, height, reframe, crf — as presets/platforms/*.yaml say
    ("youtube", 1920, 1080, "fit", 18),
    ("tiktok", 1080, 1920, "fill", 20),
    ("instagram-feed-square", 1080, 1080, "fill", 20),
    ("instagram-feed-portrait", 1080, 1350, "fill", 20),
]


def reframe_filter(w, h, mode):
    if mode == "fit":
        return (f"scale={w}:{h}:force_original_aspect_ratio=decrease:flags=bicubic,"
                f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p")
    return f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=bicubic,crop={w}:{h},setsar=1,format=yuv420p"


def ffmpeg_output(label, name, crf, folder):
    return ["-map", f"[v{label}]", "-map", f"[a{label}]", "-c:v", "libx264", "-preset", "medium", "-profile:v", "high",
            "-crf", str(crf), "-g", "50", "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-movflags", "+faststart",
            os.path.join(folder, f"{name}.mp4")]


def bench_versions():
    """16:9, 9:16, 1:1 and 4:5 from one 20 s 1080p master: kijko versions vs one ffmpeg split call and four calls."""
    src = master_1080p()
    folder = os.path.join(MEDIA, "versions")
    for sub in ("kijko", "split", "sequential"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    kijko = [KIJKO, "versions", src, "--out", os.path.join(folder, "kijko"), "--force"]
    for name, *_ in VERSION_PRESETS:
        kijko += ["--preset", name]
    n = len(VERSION_PRESETS)
    graph = [f"[0:v]split={n}" + "".join(f"[s{i}]" for i in range(n)),
             f"[0:a]asplit={n}" + "".join(f"[t{i}]" for i in range(n))]
    outputs = []
    for i, (name, w, h, mode, crf) in enumerate(VERSION_PRESETS):
        graph.append(f"[s{i}]{reframe_filter(w, h, mode)}[v{i}]")
        graph.append(f"[t{i}]loudnorm=I=-14:TP=-1[a{i}]")
        outputs += ffmpeg_output(i, name, crf, os.path.join(folder, "split"))
    split = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", src, "-filter_complex", ";".join(graph), *outputs]
    # Four calls in a row, as a shell script would: one decode each.
    script = []
    for i, (name, w, h, mode, crf) in enumerate(VERSION_PRESETS):
        one = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", src, "-filter_complex",
               f"[0:v]{reframe_filter(w, h, mode)}[v{i}];[0:a]loudnorm=I=-14:TP=-1[a{i}]",
               *ffmpeg_output(i, name, crf, os.path.join(folder, "sequential"))]
        script.append(" ".join(f"'{a}'" for a in one))
    sequential = ["sh", "-c", " && ".join(script)]
    return (f"{n} deliverables (16:9 fit, 9:16, 1:1, 4:5 fill; x264 medium, AAC at -14 LUFS) from a 20 s 1080p25 master", [
        ("kijko versions", kijko),
        ("ffmpeg one split call", split),
        ("ffmpeg four calls", sequential),
    ])


def linear_workflow(steps):
    """A workflow template of `steps` no-op steps in a line; returns its path."""
    os.makedirs(MEDIA, exist_ok=True)
    path = os.path.join(MEDIA, f"linear-{steps}.yaml")
    with open(path, "w") as f:
        f.write(f"name: linear-{steps}\nsteps:\n")
        for i in range(steps):
            f.write(f"  s{i:03d}: {{agent: noop" + (f", after: [s{i - 1:03d}]" if i else "") + "}\n")
    return path


def bench_pipeline():
    """A linear workflow of no-op steps, each step persisted: kijko run vs LangGraph with SqliteSaver."""
    python = os.path.join(ROOT, ".build", "langgraph-venv", "bin", "python")
    script = os.path.join(ROOT, "scripts", "langgraph_linear.py")
    folder = os.path.join(MEDIA, "pipeline")
    import shutil
    shutil.rmtree(folder, ignore_errors=True)  # fresh stores for each bench run
    os.makedirs(folder, exist_ok=True)
    contenders = []
    # Then the same with every commit synced to disk, as LangGraph's sqlite3 connection does by
    # default (synchronous=FULL); kijko's default syncs people's decisions and lets a step's records
    # reach the disk with the next checkpoint (they survive a killed process either way).
    for suffix, env, store in (("", [], "kijko"), (", KIJKO_DB_SYNC=full", ["env", "KIJKO_DB_SYNC=full"], "kijko-full")):
        for steps in (200, 20):
            contenders.append((f"kijko run ({steps} steps{suffix})",
                               env + [KIJKO, "run", linear_workflow(steps), "--brief", "bench",
                                      "--db", os.path.join(folder, f"{store}-{steps}.sqlite"), "--json"], 5))
    for steps in (200, 20):
        contenders.append((f"LangGraph + SqliteSaver ({steps} steps)",
                           [python, script, str(steps), os.path.join(folder, f"langgraph-{steps}.sqlite")], 2))

    def per_step(rows, printed):
        wall = {label: w for label, w, _ in rows}
        peer_whole = wall["LangGraph + SqliteSaver (200 steps)"] / 200
        peer = (wall["LangGraph + SqliteSaver (200 steps)"] - wall["LangGraph + SqliteSaver (20 steps)"]) / 180
        variants = [("kijko", "", ""), ("kijko, synced", ", KIJKO_DB_SYNC=full", "")]
        if BASELINE:
            variants += [("baseline", "", " [baseline]"), ("baseline, synced", ", KIJKO_DB_SYNC=full", " [baseline]")]
        for name, suffix, twin in variants:
            long, short = wall[f"kijko run (200 steps{suffix}){twin}"], wall[f"kijko run (20 steps{suffix}){twin}"]
            whole = long / 200
            marginal = (long - short) / 180
            print(f"  per step, whole 200-step run / 200: {name} {whole * 1000:.3f} ms, LangGraph {peer_whole * 1000:.3f} ms"
                  f" — {name} {peer_whole / max(whole, 1e-9):.1f}x faster")
            print(f"  per step, marginal (200-step minus 20-step run, over 180 steps): {name} {marginal * 1000:.3f} ms, "
                  f"LangGraph {peer * 1000:.3f} ms — {name} {peer / max(marginal, 1e-9):.1f}x faster")
    return "a 200-step linear workflow of no-op steps, every step persisted (and 20 steps, to take out start-up)", contenders, per_step


def bench_serve():
    """kijko serve under wrk: GET /api/production/{id}, 64 connections for 10 s, idle and while the server renders two social jobs' 1080p versions; idle memory."""
    import json, re, shutil, signal, tempfile, urllib.request
    folder = tempfile.mkdtemp(prefix="kijko-bench-serve-")
    db, media = os.path.join(folder, "studio.sqlite"), os.path.join(folder, "media")
    os.makedirs(media)
    shutil.copy(master_1080p(), os.path.join(media, "master.mp4"))
    added = subprocess.run([KIJKO, "users", "add", "bench", "--role", "admin", "--db", db, "--json"], capture_output=True, text=True, check=True)
    token = json.loads(added.stdout)["token"]
    server = subprocess.Popen([KIJKO, "serve", "--port", "0", "--db", db, "--media-root", media, "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def call(path, body=None):
        request = urllib.request.Request(url + path, method="POST" if body else "GET", data=json.dumps(body).encode() if body else None,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request).read())

    try:
        url = json.loads(server.stdout.readline())["url"]
        job = call("/api/production/start", {"workflow": "advertising", "brief": "A 30-second spot for a courier company."})["job"]
        time.sleep(2)  # the job reaches its first gate; the server idles
        status = {line.split(":")[0]: int(line.split()[1]) for line in open(f"/proc/{server.pid}/status") if line.split()[-1:] == ["kB"]}
        rollup = {line.split(":")[0]: int(line.split()[1]) for line in open(f"/proc/{server.pid}/smaps_rollup") if line.split()[-1:] == ["kB"]}
        rss, anonymous = status["VmRSS"] / 1024.0, rollup.get("Anonymous", 0) / 1024.0
        target = f"{url}/api/production/{job}"

        def load(label):
            out = subprocess.run(["wrk", "-t2", "-c64", "-d10s", "--latency", "-H", f"Authorization: Bearer {token}", target],
                                 capture_output=True, text=True, check=True).stdout
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
            p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
            socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            errors = (sum(map(int, socket.groups())) if socket else 0) + (int(non2xx.group(1)) if non2xx else 0)
            print(f"  {label:<58} {rate:9.0f} req/s   p99 {p99_ms:7.2f} ms   errors {errors}"
                  f"   {'(p99 target 25 ms met)' if p99_ms <= 25 and errors == 0 else '(p99 target 25 ms NOT met)'}")

        print(f"bench serve: {__doc_serve__}")
        print(f"  idle server memory: RSS {rss:.1f} MiB ({'within' if rss <= 50 else 'over'} the 50 MiB target), of it "
              f"{anonymous:.1f} MiB the server's own (heap and stacks; the rest is the program's and its libraries' pages)")
        load("GET /api/production/{id}, idle server")
        renders = [call("/api/production/start", {"workflow": "social", "brief": "Launch on TikTok and Instagram.", "master": "master.mp4"})["job"]
                   for _ in range(2)]
        time.sleep(2)  # trends and concepts are drafted; the platform versions render
        steps = [next(s for s in call(f"/api/production/{r}")["steps"] if s["step"] == "platform_versions")["status"] for r in renders]
        load(f"GET /api/production/{{id}}, while 2 jobs render (steps: {', '.join(steps)})")
        after = [next(s for s in call(f"/api/production/{r}")["steps"] if s["step"] == "platform_versions")["status"] for r in renders]
        print(f"  the two renders' steps after the load: {', '.join(after)}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)


__doc_serve__ = bench_serve.__doc__


def start_postgres():
    """A throwaway PostgreSQL cluster for a bench (initdb in a temp dir, a free port, default
    durability: fsync and synchronous_commit on); stopped at exit. Returns its base URL."""
    import atexit, glob, shutil, socket
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not bins:
        sys.exit("error: PostgreSQL is not installed (scripts/test installs Debian's postgresql)")
    folder = tempfile.mkdtemp(prefix="kijko-bench-pg-")
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = os.path.join(folder, "data")
    subprocess.run(prefix + [f"{bins[-1]}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(prefix + [f"{bins[-1]}/pg_ctl", "-D", data, "-l", os.path.join(folder, "log"), "-w", "-o",
                             f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(lambda: (subprocess.run(prefix + [f"{bins[-1]}/pg_ctl", "-D", data, "-m", "fast", "stop"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
                             shutil.rmtree(folder, ignore_errors=True)))
    return f"postgres://postgres@127.0.0.1:{port}"


WORKER_JOBS, WORKER_STEPS = 400, 10
EVERY_RUN = {}  # each contender's stdout, every run (label → list), for summaries that take the median run


def median_round(label):
    """The workers round of `label` with the median drain time, of every run."""
    rounds = sorted((json.loads(out.strip().splitlines()[-1]) for out in EVERY_RUN[label]), key=lambda r: r["wall"])
    return rounds[len(rounds) // 2]


def psql(url, sql):
    return subprocess.run(["psql", url, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def queued_template(base, folder, kijko):
    """The name of a database holding WORKER_JOBS jobs of WORKER_STEPS no-op steps queued by
    `kijko`, and their artefacts folder: made once per build (under a temporary name, renamed when
    whole), then copied for each round. Queueing a job is a process of its own; 400 of them take
    longer than a round. (The rounds share the folder: no-op steps write nothing in it.)"""
    import hashlib
    name = "queued_" + hashlib.sha1(os.path.realpath(kijko).encode()).hexdigest()[:12]
    artefacts = os.path.join(folder, name)
    if psql(base + "/postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        making = name + "_making"
        psql(base + "/postgres", f"DROP DATABASE IF EXISTS {making}")
        psql(base + "/postgres", f"CREATE DATABASE {making}")
        os.makedirs(artefacts, exist_ok=True)
        workflow = linear_workflow(WORKER_STEPS)
        for i in range(WORKER_JOBS):
            subprocess.run([kijko, "run", workflow, "--brief", f"bench {i}", "--enqueue", "--db", f"{base}/{making}", "--artefacts", artefacts, "--json"],
                           check=True, stdout=subprocess.DEVNULL)
        psql(base + "/postgres", f"ALTER DATABASE {making} RENAME TO {name}")
    return name, artefacts


def fresh_queue(base, folder, kijko, prefix):
    """A new database copied from `kijko`'s queued one (``queued_template``), and the artefacts
    folder: its URL and the folder. Copied file by file (PostgreSQL 15 would otherwise write the
    copy through its log, to be flushed during the round), then a checkpoint: the round that
    follows starts with nothing of an earlier one left to write."""
    import uuid
    template, artefacts = queued_template(base, folder, kijko)
    name = prefix + uuid.uuid4().hex[:12]
    strategy = " STRATEGY FILE_COPY" if int(psql(base + "/postgres", "SHOW server_version_num")) >= 150000 else ""
    psql(base + "/postgres", f"CREATE DATABASE {name} TEMPLATE {template}{strategy}")
    psql(base + "/postgres", "CHECKPOINT")
    return f"{base}/{name}", artefacts


def workers_round(workers, base, folder, kijko):
    """One round of the workers bench (run as its own process by `measure`): a fresh copy of the
    queued database (``queued_template``), then `workers` worker processes until the queue is
    drained. Prints the drain's wall seconds and the workers' own time split, as JSON."""
    db, artefacts = fresh_queue(base, folder, kijko, "bench_")
    before = cpu_times()
    start = time.perf_counter()
    # (Each worker's log to a file: a pipe read one worker after another would stall the others
    # once their lines filled it.)
    logs = [tempfile.TemporaryFile(mode="w+") for _ in range(workers)]
    procs = [subprocess.Popen([kijko, "worker", "--drain", "--name", f"w{i}", "--db", db, "--artefacts", artefacts, "--json"],
                              stdout=log) for i, log in enumerate(logs)]
    for p in procs:
        p.wait()
    wall = time.perf_counter() - start
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read())
    after = cpu_times()
    if any(p.returncode != 0 for p in procs):
        sys.exit("error: a worker failed")
    done = psql(db, "SELECT COUNT(*) FROM agent_executions WHERE status = 'completed'")
    stats = [json.loads(line)["stats"] for out in outputs for line in out.splitlines() if '"stats"' in line]
    spent = [b - a for a, b in zip(before, after)]
    total = sum(spent) or 1
    cores = os.cpu_count() or 1
    # The machine's cores busy during the drain (workers and server alike), and stolen by the host.
    busy = cores * (total - spent[3] - spent[4]) / total if len(spent) > 4 else None
    steal = cores * spent[7] / total if len(spent) > 7 else None
    # Steady state: the steps completed while every worker was running (from the last one's start to
    # the first one's stop), without the processes' own start-up (a farm's workers run for days).
    # (A draining worker stops once nothing is left leased, so the drain's tail is still in.)
    window = psql(db, """
        WITH w AS (SELECT MAX(started_at) AS a, MIN(stopped_at) AS b FROM kijko_workers)
        SELECT COUNT(*) || ' ' || EXTRACT(EPOCH FROM (SELECT b - a FROM w)) FROM agent_executions, w
        WHERE status = 'completed' AND completed_at BETWEEN w.a AND w.b""").split()
    steady = {"steps": int(window[0]), "seconds": float(window[1])} if len(window) == 2 else None
    print(json.dumps({"wall": wall, "steps": int(done), "stats": stats, "busy_cores": busy, "steal_cores": steal, "steady": steady}))


IDLE_WORKER = "kijko worker --drain, nothing queued (its database copied first)"


def idle_worker(base, folder, kijko):
    """One worker started on a store with nothing queued, until it stops (run by `measure`)."""
    db, artefacts = fresh_queue(base, folder, kijko, "idle_")
    # (Every job done: a worker finds nothing to run, nor a job to move on.)
    psql(db, "DELETE FROM step_tasks; UPDATE production_jobs SET run_state = 'complete'")
    start = time.perf_counter()
    subprocess.run([kijko, "worker", "--drain", "--name", "idle", "--db", db, "--artefacts", artefacts, "--json"],
                   check=True, stdout=subprocess.DEVNULL)
    print(json.dumps({"wall": time.perf_counter() - start}))


def cpu_times():
    """The machine's CPU time counters (/proc/stat's first line: user, nice, system, idle, iowait,
    irq, softirq, steal…), or nothing where there is no /proc."""
    try:
        with open("/proc/stat") as stat:
            return [int(x) for x in stat.readline().split()[1:]]
    except OSError:
        return []


def bench_workers():
    """No-op steps through the shared queue: 1, 2 and 4 kijko workers on one PostgreSQL, and the SQLite runner in one process, on the same steps."""
    base = start_postgres()
    folder = tempfile.mkdtemp(prefix="kijko-bench-workers-")
    me = os.path.abspath(__file__)
    # One round untimed first: a cluster just made is cold (its caches, its first checkpoint), and
    # the first row timed would pay for it.
    subprocess.run([sys.executable, me, "_workers_round", "1", base, folder, KIJKO], check=True, stdout=subprocess.DEVNULL)
    if BASELINE:
        queued_template(base, folder, BASELINE)   # (its queue made before any timed round, as this build's is)
    # (The kijko binary is an argument, so that --baseline gives each round a twin run by the other build.)
    contenders = [(f"kijko workers ×{n} (PostgreSQL)", [sys.executable, me, "_workers_round", str(n), base, folder, KIJKO]) for n in (1, 2, 4)]
    total = WORKER_JOBS * WORKER_STEPS
    # A worker's own start and stop (the process, its connections, the check that nothing is left):
    # each round pays it once per worker, the same whatever the queue holds.
    contenders.append((IDLE_WORKER, [sys.executable, me, "_idle_worker", base, folder, KIJKO]))
    contenders.append((f"kijko run, SQLite, one process ({total} steps)",
                       [KIJKO, "run", linear_workflow(total), "--brief", "bench", "--db", os.path.join(folder, "one.sqlite"), "--json"]))

    def throughput(rows, printed):
        rates, base_rates, steadies = {}, {}, {}
        for n in (1, 2, 4):
            if f"kijko workers ×{n} (PostgreSQL) [baseline]" in printed:
                result = median_round(f"kijko workers ×{n} (PostgreSQL) [baseline]")
                base_rates[n] = result["steps"] / result["wall"]
                print(f"  {n} worker{'s' if n > 1 else ''} [baseline]: {result['steps'] / result['wall']:.0f} steps/s, {1000 * result['wall'] / max(1, result['steps']):.2f} ms a step")
            result = median_round(f"kijko workers ×{n} (PostgreSQL)")
            rate = result["steps"] / result["wall"]
            rates[n] = rate
            steady = result.get("steady")
            if steady and steady["seconds"] > 0:
                steadies[n] = steady["steps"] / steady["seconds"]
            stats = result["stats"]
            steps = sum(s["steps"] for s in stats) or 1
            claims = sum(s["claims"] for s in stats) or 1
            print(f"  {n} worker{'s' if n > 1 else ''}: {result['steps']} steps in {result['wall']:.2f} s = {rate:.0f} steps/s, "
                  f"{1000 / rate:.2f} ms a step of wall time; per step: starting and running {sum(s['step_seconds'] for s in stats) * 1000 / steps:.2f} ms "
                  f"(agent {sum(s['agent_seconds'] for s in stats) * 1000 / steps:.3f}), its result committed and what follows queued "
                  f"{sum(s['advance_seconds'] for s in stats) * 1000 / steps:.2f} ms; claim {sum(s['claim_seconds'] for s in stats) * 1000 / claims:.2f} ms "
                  f"({claims} claims; {sum(s.get('handed', 0) for s in stats)} steps handed on by the result before them)"
                  + (f"; the machine's cores busy {result['busy_cores']:.2f} of {os.cpu_count()}, stolen by its host {result['steal_cores']:.2f}"
                     if result.get("busy_cores") is not None else "")
                  + (f"; steady, all {n} running: {steadies[n]:.0f} steps/s ({steady['steps']} steps in {steady['seconds']:.2f} s)" if n in steadies else ""))
        for label in (IDLE_WORKER, IDLE_WORKER + " [baseline]"):
            if label in printed:
                idle = median_round(label)["wall"]
                print(f"  a worker's own start and stop, nothing queued{' [baseline]' if 'baseline' in label else ''}: {1000 * idle:.0f} ms "
                      f"(every round pays it once a worker)")
        sqlite = {label: wall for label, wall, _ in rows}[f"kijko run, SQLite, one process ({total} steps)"]
        print(f"  SQLite runner, one process: {total / sqlite:.0f} steps/s (whole run, start-up included)")
        print(f"  4 workers / 1 worker: {rates[4] / rates[1]:.2f}x throughput (target ≥ 2x); 2 / 1: {rates[2] / rates[1]:.2f}x"
              + (f"; steady: 4 / 1 {steadies[4] / steadies[1]:.2f}x, 2 / 1 {steadies[2] / steadies[1]:.2f}x" if len(steadies) == 3 else ""))
        if len(base_rates) == 3:
            print(f"  [baseline] 4 workers / 1 worker: {base_rates[4] / base_rates[1]:.2f}x; 2 / 1: {base_rates[2] / base_rates[1]:.2f}x")
    return f"{WORKER_JOBS} jobs of {WORKER_STEPS} no-op steps queued, drained by N workers (each round a fresh copy of one queued database; the figures below each row's median round)", contenders, throughput


BENCHES = {"decode": bench_decode, "probe": bench_probe, "count": bench_count, "count-decoded": bench_count_decoded, "synth": bench_synth,
           "assemble": bench_assemble, "versions": bench_versions, "qc": bench_qc, "shots": bench_shots,
           "pipeline": bench_pipeline, "serve": bench_serve, "workers": bench_workers}


def measure(cmd):
    """Wall seconds, peak RSS (MiB) and what the command printed on stdout (to a file, read after)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        out.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"error: {' '.join(cmd[:3])}… failed: {err.read().decode(errors='replace').strip()[:300]}")
        return wall, usage.ru_maxrss / 1024.0, out.read().decode(errors="replace")  # ru_maxrss is KiB on Linux


def run(name, runs):
    spec = BENCHES[name]()
    title, contenders = spec[0], spec[1]
    # A contender may ask to be run several times per round (a third element): runs of a tenth
    # of a second are noisier than the start-up differences they are meant to show.
    contenders = [(c[0], c[1], c[2] if len(c) > 2 else 1) for c in contenders]
    if BASELINE:
        # Each kijko row gets a twin run by the baseline binary (another build, e.g. the previous
        # commit's), same arguments, its own stores: a change is measured against the code it
        # replaces in the same run.
        twins = []
        for label, cmd, repeat in contenders:
            twins.append((label, cmd, repeat))
            if KIJKO in cmd:
                twin = [BASELINE if a == KIJKO else (a[:-7] + "-baseline.sqlite" if a.endswith(".sqlite") else a) for a in cmd]
                twins.append((label + " [baseline]", twin, repeat))
        contenders = twins
    results = {label: ([], []) for label, _, _ in contenders}
    printed = {}  # each contender's stdout, last run
    for _ in range(runs):
        for label, cmd, repeat in contenders:
            for _ in range(repeat):
                wall, rss, printed[label] = measure(cmd)
                EVERY_RUN.setdefault(label, []).append(printed[label])
                results[label][0].append(wall)
                results[label][1].append(rss)
    counts = sorted({len(results[label][0]) for label, _, _ in contenders})
    print(f"bench {name}: {title}  ({' or '.join(map(str, counts))} runs each, median wall, peak RSS)")
    width = max(len(label) for label, _, _ in contenders)
    rows = []
    for label, _, _ in contenders:
        walls, rsss = results[label]
        rows.append((label, statistics.median(walls), max(rsss)))
        print(f"  {label:<{width}}  {statistics.median(walls):8.3f} s  {max(rsss):8.1f} MiB")
    # Each peer row against the Kijko row before it (rows come in pairs: the same work each way).
    kijko = rows[0]
    for label, wall, rss in rows[1:]:
        if label.endswith("[baseline]"):
            continue  # (its own ratio comes below)
        if label.startswith("kijko"):
            kijko = (label, wall, rss)
        else:
            name = "kijko" if kijko is rows[0] else kijko[0]
            print(f"  ratio {name} / {label}: wall {kijko[1] / wall:.2f}x, memory {kijko[2] / rss:.2f}x")
    by_label = {label: (wall, rss) for label, wall, rss in rows}
    for label, wall, rss in rows:
        if label + " [baseline]" in by_label:
            base = by_label[label + " [baseline]"]
            print(f"  ratio {label} / its baseline: wall {wall / base[0]:.3f}x, memory {rss / base[1]:.3f}x")
    if len(spec) > 2:
        spec[2](rows, printed)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_workers_round":
        workers_round(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_idle_worker":
        idle_worker(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="a bench name, 'all', or 'list'")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="another kijko binary (e.g. the previous commit's release build) run beside this one")
    args = parser.parse_args()
    global BASELINE
    if args.baseline:
        BASELINE = os.path.abspath(args.baseline)
    if BASELINE and not os.access(BASELINE, os.X_OK):
        sys.exit(f"error: {BASELINE}: no kijko binary to compare against")
    if args.name == "list":
        for name, make in BENCHES.items():
            print(f"{name}: {make.__doc__ or ''}".strip())
        return
    names = list(BENCHES) if args.name == "all" else [args.name]
    for name in names:
        if name not in BENCHES:
            sys.exit(f"error: no bench named {name} (have: {', '.join(BENCHES)})")
        if name == "serve":
            bench_serve()  # a load test: requests per second and latency, not a command timed beside a peer's
            continue
        run(name, args.runs)


if __name__ == "__main__":
    main()
