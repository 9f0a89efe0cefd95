# Retouch — build, test and demo on Debian with Swift 6 (on PATH, or in /opt/swift).
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

APT_PACKAGES := libncursesw5-dev libpng-dev libdeflate-dev libjpeg62-turbo-dev libwebp-dev libsqlite3-dev libssl-dev python3 python3-venv libsixel-bin tmux
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build test demo samples clean bench release fuzz terminals

# Installs those of the Debian packages given that are missing.
define install-missing
missing=""; \
for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  echo "Installing Debian packages:$$missing"; \
  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
fi
endef

deps:
	@$(call install-missing,$(APT_PACKAGES))
	@command -v swift >/dev/null || { echo "Swift 6 is needed: put it on PATH (or in /opt/swift)"; exit 1; }

build: deps
	swift build

VENV := .venv
OPENAI_SDK := openai==$(shell cat Tests/Interop/openai-version)

test: deps
	swift build --build-tests
	swift test
	@# OpenAI's own Python SDK against `retouch serve`.
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/python -c "import openai" 2>/dev/null || $(VENV)/bin/pip install --quiet "$(OPENAI_SDK)"
	$(VENV)/bin/python Tests/Interop/openai_sdk_interop.py "$$(swift build --show-bin-path)/retouch" assets

# Pictures in real terminals, checked on screenshots: `retouch show` and the editor (first frame,
# the mask, a run's partial images and result, resizing) in xterm and mlterm (sixel) and kitty
# (its graphics protocol, OpenGL in software), each under its own Xvfb. Screenshots go to
# .build/terminal-screenshots/. Not part of `make test`: these packages are large.
TERMINAL_PACKAGES := xvfb xterm mlterm kitty xdotool x11-apps xfonts-base fonts-dejavu-core libgl1-mesa-dri

terminals: deps
	@$(call install-missing,$(TERMINAL_PACKAGES))
	swift build --build-tests
	swift test --skip-build --filter TerminalScreenshotTests

# The editor on the sample images, against the offline engine (no key, no network).
# A release build: the offline engine then answers in about a second (twenty in a debug build).
demo: deps
	swift build -c release --product retouch
	env -u OPENAI_API_KEY -u OPENAI_BASE_URL .build/release/retouch assets/lakeside.png assets/dusk.jpg

# Re-renders the sample images (needs numpy, scipy, cjpeg and cwebp).
samples:
	python3 assets/make-samples.py

clean:
	rm -rf .build

# A release binary with the Swift runtime linked in: one file to copy to a remote machine
# (it needs only the Debian libraries above), and it starts faster.
release: deps
	swift build -c release --static-swift-stdlib --product retouch
	@echo "built $$(swift build -c release --show-bin-path)/retouch"

# Benchmarks print figures (release build): SSE parsing, fill quality, sixel phases, engine and
# round-trip time, upload memory, retouch show against img2sixel and chafa, and against img2sixel
# on the photographs of assets/photos (fetched from Debian packages).
bench: release
	@# GNU time measures peak memory; img2sixel and chafa are the tools compared against.
	@for p in time libsixel-bin chafa; do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	  || { $(SUDO) apt-get install -y -qq $$p >/dev/null || echo "could not install $$p"; }; done
	swift build -c release --static-swift-stdlib --product RetouchBench
	assets/photos/fetch.sh .build/photos
	.build/release/RetouchBench

# libFuzzer targets (decoders, SSE parser, multipart reader and validation, terminal replies,
# config reader), each run for FUZZ_SECONDS on a copy of its seed corpus in Fuzz/corpus/; builds
# in .build-fuzz with -sanitize=fuzzer,address. Crash inputs and logs go to Fuzz/artifacts/.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/fuzz.sh
