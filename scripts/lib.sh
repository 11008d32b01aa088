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

# ensure_venv NAME "IMPORTS" PIP_SPEC… : a Python venv in .build/NAME-venv whose python can import
# IMPORTS (comma-separated modules), installing PIP_SPEC… into it when it cannot. References for the
# tests and peers for the benches only; never used by the product.
ensure_venv() {
    local name=$1 imports=$2
    shift 2
    local dir=.build/$name-venv
    if [ -x "$dir/bin/python" ] && "$dir/bin/python" -c "import $imports" 2>/dev/null; then return 0; fi
    say "installing $* into $dir"
    mkdir -p .build
    if ! python3 -m venv "$dir" 2>/dev/null; then
        [ "$(uname -s)" = Linux ] && install_apt python3-venv
        python3 -m venv "$dir" || die "cannot create a Python venv"
    fi
    "$dir/bin/pip" install -q "$@" || die "pip could not install $*"
}

# Real photographs for the detector tests: the pictures scikit-image ships in its wheel
# (skimage/data: coffee, astronaut, motorcycle, textures …), taken out of the wheel into
# .build/real-pictures without installing the package.
ensure_real_pictures() {
    local dir=.build/real-pictures
    [ -f "$dir/coffee.png" ] && return 0
    say "fetching scikit-image's bundled photographs into $dir"
    mkdir -p "$dir/wheel"
    python3 -m pip download -q --no-deps --only-binary=:all: scikit-image==0.26.0 -d "$dir/wheel" \
        || die "pip could not download scikit-image's wheel (for its photographs)"
    python3 - "$dir" <<'PY' || die "could not take the photographs out of scikit-image's wheel"
import glob, sys, zipfile
folder = sys.argv[1]
wheel = zipfile.ZipFile(glob.glob(folder + "/wheel/scikit_image-*.whl")[0])
for name in wheel.namelist():
    if name.startswith("skimage/data/") and name.rsplit(".", 1)[-1] in ("png", "jpg"):
        with open(folder + "/" + name.rsplit("/", 1)[-1], "wb") as out:
            out.write(wheel.read(name))
PY
    rm -rf "$dir/wheel"
}

# OpenTimelineIO and its CMX 3600 adapter: the reference reader the EDL tests compare against.
ensure_otio_venv() { ensure_venv otio "opentimelineio, otio_cmx3600_adapter" opentimelineio==0.18.1 otio-cmx3600-adapter==1.0.0; }

# OpenTelemetry's own protocol definitions, for the trace exporter's test collector.
ensure_otel_venv() { ensure_venv otel "opentelemetry.proto.collector.trace.v1.trace_service_pb2" opentelemetry-proto==1.45.2; }

# The dashboard's browser tests: Debian's Chromium and its driver, Selenium (4.40: later ones want a
# newer certifi than the registry serves) and jsonschema (the OpenAPI conformance check).
ensure_browser() {
    if [ "$(uname -s)" = Linux ]; then install_apt chromium chromium-driver; fi
    ensure_venv web "selenium, jsonschema" selenium==4.40.0 jsonschema==4.23.0
}

# LangGraph with its SQLite checkpointer: the peer of `scripts/bench pipeline`.
ensure_langgraph_venv() { ensure_venv langgraph "langgraph, langgraph.checkpoint.sqlite" langgraph langgraph-checkpoint-sqlite; }

# PySceneDetect 0.7.2 (with its OpenCV): the peer `scripts/bench shots` measures shot detection against.
ensure_scenedetect_venv() { ensure_venv scenedetect "scenedetect, cv2" scenedetect==0.7.2; }
