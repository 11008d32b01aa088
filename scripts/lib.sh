# Shared by scripts/setup, scripts/test, scripts/demo and scripts/bench: installs what is missing.
# Debian/Ubuntu through apt-get (as root, or with sudo), macOS through Homebrew.

KIJKO_APT_PACKAGES="pkg-config libavformat-dev libavcodec-dev libavfilter-dev libswscale-dev libswresample-dev libavutil-dev libcurl4-openssl-dev libsqlite3-dev fontconfig fonts-dejavu-core"

say() {
    if [ -t 2 ]; then printf '\033[1m==>\033[0m %s\n' "$*" >&2; else printf '==> %s\n' "$*" >&2; fi
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# install_apt PKG… : installs the Debian packages not yet installed.
install_apt() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
        sudo="sudo"
    fi
    say "installing ${missing[*]}"
    $sudo apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

# install_native_deps [with-ffmpeg-cli] : the C libraries Kijko builds against (and the ffmpeg CLI,
# which only tests and benches use as a reference).
install_native_deps() {
    local cli="${1:-}"
    case "$(uname -s)" in
        Linux)
            command -v apt-get >/dev/null || die "no apt-get: install FFmpeg 5.1+ dev packages, libcurl and pkg-config yourself"
            # shellcheck disable=SC2086
            install_apt $KIJKO_APT_PACKAGES
            [ -n "$cli" ] && install_apt ffmpeg
            ;;
        Darwin)
            command -v brew >/dev/null || die "Homebrew is needed on macOS (https://brew.sh)"
            for f in pkg-config ffmpeg curl sqlite; do brew list "$f" >/dev/null 2>&1 || brew install "$f"; done
            ;;
        *) die "unsupported system $(uname -s)" ;;
    esac
    command -v swift >/dev/null || die "Swift 6 is needed (swift.org/install); 'swift' is not on PATH"
    pkg-config --exists libavformat libavcodec libavfilter libswscale libavutil libswresample \
        || die "pkg-config cannot find FFmpeg's libraries"
}

# build_release : builds the kijko binary (release); prints the compiler's errors when it fails.
build_release() {
    mkdir -p .build
    say "building kijko (release)"
    # Linux: link the Swift runtime statically; it starts faster (a probe is mostly start-up).
    local static=""
    [ "$(uname -s)" = Linux ] && static="--static-swift-stdlib"
    if ! swift build -c release --product kijko $static > .build/build-release.log 2>&1; then
        grep -E "error" .build/build-release.log | head -20 >&2
        die "release build failed (log: .build/build-release.log)"
    fi
}

# ensure_otio_venv : OpenTimelineIO and its CMX 3600 adapter in .build/otio-venv (the reference
# reader the EDL tests compare against; never used by the product).
ensure_otio_venv() {
    local py=.build/otio-venv/bin/python
    if [ -x "$py" ] && "$py" -c "import opentimelineio, otio_cmx3600_adapter" 2>/dev/null; then return 0; fi
    say "installing OpenTimelineIO 0.18.1 + otio-cmx3600-adapter 1.0.0 into .build/otio-venv"
    mkdir -p .build
    if ! python3 -m venv .build/otio-venv 2>/dev/null; then
        [ "$(uname -s)" = Linux ] && install_apt python3-venv
        python3 -m venv .build/otio-venv || die "cannot create a Python venv"
    fi
    .build/otio-venv/bin/pip install -q opentimelineio==0.18.1 otio-cmx3600-adapter==1.0.0 \
        || die "pip could not install opentimelineio"
}

# ensure_otel_venv : opentelemetry-proto (OpenTelemetry's own protocol definitions) in
# .build/otel-venv, for the trace exporter's test collector (never used by the product).
ensure_otel_venv() {
    local py=.build/otel-venv/bin/python
    if [ -x "$py" ] && "$py" -c "import opentelemetry.proto.collector.trace.v1.trace_service_pb2" 2>/dev/null; then return 0; fi
    say "installing opentelemetry-proto 1.45.2 into .build/otel-venv"
    mkdir -p .build
    if ! python3 -m venv .build/otel-venv 2>/dev/null; then
        [ "$(uname -s)" = Linux ] && install_apt python3-venv
        python3 -m venv .build/otel-venv || die "cannot create a Python venv"
    fi
    .build/otel-venv/bin/pip install -q opentelemetry-proto==1.45.2 || die "pip could not install opentelemetry-proto"
}

# ensure_scenedetect_venv : PySceneDetect 0.7.2 (with its OpenCV) in .build/scenedetect-venv, the
# peer `scripts/bench shots` measures shot detection against (never used by the product).
# ensure_langgraph_venv : LangGraph with its SQLite checkpointer in .build/langgraph-venv, the peer
# of `scripts/bench pipeline` (bench only).
ensure_langgraph_venv() {
    local py=.build/langgraph-venv/bin/python
    if [ -x "$py" ] && "$py" -c "import langgraph, langgraph.checkpoint.sqlite" 2>/dev/null; then return 0; fi
    say "installing LangGraph and its SQLite checkpointer into .build/langgraph-venv"
    mkdir -p .build
    python3 -m venv .build/langgraph-venv || die "cannot create a Python venv"
    .build/langgraph-venv/bin/pip install -q langgraph langgraph-checkpoint-sqlite || die "pip could not install langgraph"
}

ensure_scenedetect_venv() {
    local py=.build/scenedetect-venv/bin/python
    if [ -x "$py" ] && "$py" -c "import scenedetect, cv2" 2>/dev/null; then return 0; fi
    say "installing PySceneDetect 0.7.2 into .build/scenedetect-venv"
    mkdir -p .build
    python3 -m venv .build/scenedetect-venv || die "cannot create a Python venv"
    .build/scenedetect-venv/bin/pip install -q scenedetect==0.7.2 || die "pip could not install scenedetect"
}
