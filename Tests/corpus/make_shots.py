#!/usr/bin/env python3
"""Builds a real-footage shot corpus from scikit-image's bundled photographs with ffmpeg, and
prints its truth as JSON: a 640x360 25 fps clip of seven shots with camera moves over real
pictures — pans over detail and texture, a zoom, handheld shake with sensor noise, motion blur, a
camera flash — joined by hard cuts (one between two shots of the same cup, of one tone), a
dissolve (onto a dark picture of deep space) and a fade through black.

usage: make_shots.py [--size WxH] PICTURES_DIR OUT.mp4  (prints the truth on stdout)

The truth: "cuts" — the first frame of each shot after a hard cut; "dissolves" and "fades" — the
frames [start, end) of each transition; "calm" — frame ranges inside moving shots (pans, zoom,
shake, the flash) where nothing may be reported.
"""
import json
import os
import subprocess
import sys
import tempfile

FPS = 25
# The clip is 640x360 unless --size asks for a multiple of it (1920x1080 for the speed bench): every
# pixel measure below is given at 640x360 and scaled by K.
W, H, K = 640, 360, 1


def shots():
    """name, picture, seconds, filter to a WxH moving picture (t: seconds into the shot)."""
    def p(n):
        return round(n * K)
    return [
        ("coffee-pan", "coffee.png", 3,
         f"scale={p(1280)}:-2,crop={W}:{H}:x='(iw-{W})*t/3':y='(ih-{H})/2'"),
        # The same cup, closer and lower: a hard cut between two shots of one tone.
        ("coffee-close", "coffee.png", 3,
         f"scale={p(1700)}:-2,crop={W}:{H}:x='{p(300)}+{p(20)}*t':y='(ih-{H})*0.6'"),
        ("motorcycle-zoom", "motorcycle_left.png", 3,
         f"scale={p(1280)}:-2,crop={p(1280)}:{p(720)}:0:'(ih-{p(720)})/2',"
         f"zoompan=z='1+0.5*on/75':d=1:x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':s={W}x{H}:fps=25"),
        ("hubble-pan", "hubble_deep_field.jpg", 3,
         f"scale={p(1280)}:-2,crop={W}:{H}:x='(iw-{W})*t/3':y='(ih-{H})*t/3'"),
        # Handheld: small irregular shifts and sensor noise, with a camera flash in the middle.
        ("astronaut-handheld", "astronaut.png", 4,
         f"scale={p(900)}:{p(900)},crop={W}:{H}:x='{p(130)}+{p(14)}*sin(7*t)+{p(9)}*sin(17*t)':"
         f"y='{p(200)}+{p(10)}*sin(5*t+1)+{p(6)}*sin(23*t)',"
         "noise=alls=14:allf=t,eq=brightness=0.55:enable='between(t,2.0,2.1)'"),
        # A fast pan over text with motion blur.
        ("page-blur-pan", "page.png", 3,
         f"scale={p(1800)}:-2,crop={W}:{H}:x='(iw-{W})*t/3':y='(ih-{H})/2',tmix=frames=4"),
        ("gravel-fast-pan", "gravel.png", 3,
         f"scale={p(1400)}:-2,crop={W}:{H}:x='(iw-{W})*t/3':y='(ih-{H})/3'"),
    ]


# The joins between consecutive shots: a hard cut, or a transition of N frames.
JOINS = [("cut", 0), ("cut", 0), ("dissolve", 25), ("cut", 0), ("fade", 25), ("cut", 0)]


def run(args):
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"ffmpeg failed: {done.stderr.strip()[-600:]}")


def main():
    global W, H, K
    args = sys.argv[1:]
    if len(args) == 4 and args[0] == "--size":
        W, H = (int(v) for v in args[1].split("x"))
        K = W / 640
        args = args[2:]
    if len(args) != 2 or W * 9 != H * 16:
        sys.exit("usage: make_shots.py [--size WxH (16:9)] PICTURES_DIR OUT.mp4")
    pictures, out = args
    work = tempfile.mkdtemp(prefix="kijko-shots-")
    parts = []
    for name, picture, seconds, chain in shots():
        path = os.path.join(work, name + ".mkv")
        run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-framerate", str(FPS), "-i", os.path.join(pictures, picture),
             "-vf", chain + ",format=yuv420p,setsar=1", "-frames:v", str(seconds * FPS), "-r", str(FPS),
             "-c:v", "ffv1", path])
        parts.append((path, seconds * FPS))
    # Join: hard cuts by concatenation, transitions by xfade (which overlaps the shots).
    inputs, graph = [], []
    for i, (path, _) in enumerate(parts):
        inputs += ["-i", path]
        # One time base and rate for every shot, as xfade wants.
        graph.append(f"[{i}:v]settb=AVTB,setpts=N/({FPS}*TB)[s{i}]")
    truth = {"cuts": [], "dissolves": [], "fades": [], "calm": [], "frames": 0}
    label, length = "[s0]", parts[0][1]
    truth["calm"].append([5, parts[0][1] - 5])
    for i, (kind, frames) in enumerate(JOINS, start=1):
        nxt = f"[s{i}]"
        out_label = f"[j{i}]"
        if kind == "cut":
            graph.append(f"{label}{nxt}concat=n=2:v=1:a=0{out_label}")
            truth["cuts"].append(length)
            start = length
            length += parts[i][1]
        else:
            offset = (length - frames) / FPS
            transition = "fade" if kind == "dissolve" else "fadeblack"
            graph.append(f"{label}{nxt}xfade=transition={transition}:duration={frames / FPS}:offset={offset}{out_label}")
            truth["dissolves" if kind == "dissolve" else "fades"].append([length - frames, length])
            start = length
            length += parts[i][1] - frames
        truth["calm"].append([start + 5, length - 5])
        label = out_label
    truth["frames"] = length
    # Inside each shot, five frames away from its cuts and transitions, nothing may be reported.
    edges = [t for pair in truth["dissolves"] + truth["fades"] for t in pair]
    for calm in truth["calm"]:
        for edge in edges:
            if calm[0] < edge <= calm[1] + 5:
                calm[1] = min(calm[1], edge - 5)
    run(["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", ";".join(graph), "-map", label,
         "-c:v", "libx264", "-preset", "fast", "-crf", "18", "-g", "50", "-pix_fmt", "yuv420p", out])
    for path, _ in parts:
        os.remove(path)
    os.rmdir(work)
    print(json.dumps(truth))


if __name__ == "__main__":
    main()
