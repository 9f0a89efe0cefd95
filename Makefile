# Retouch — build, test and demo on Debian with Swift 6 (on PATH, or in /opt/swift).
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

APT_PACKAGES := libncursesw5-dev libpng-dev libjpeg62-turbo-dev libwebp-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SAMPLES := assets/lakeside.png assets/dusk.jpg assets/bricks.webp assets/badge.png

.PHONY: deps build test demo samples clean bench

# Installs only the Debian packages that are missing.
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@command -v swift >/dev/null || { echo "Swift 6 is needed: put it on PATH (or in /opt/swift)"; exit 1; }

build: deps
	swift build

test: deps
	swift build --build-tests
	swift test

demo: build
	.build/debug/retouch info $(SAMPLES)

# Re-renders the sample images (needs numpy, scipy, cjpeg and cwebp).
samples:
	python3 assets/make-samples.py

clean:
	rm -rf .build

# Benchmarks print figures (release build): SSE parsing throughput, upload memory.
bench: deps
	swift build -c release --product retouch
	swift build -c release --product RetouchBench
	.build/release/RetouchBench
