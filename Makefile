# Halo Integration Assistant — the README's commands.
#   make run    install missing build packages, build, start the app
#   make demo   the same against the built-in simulated Halo
#   make test   install what tests need, then gofmt, vet, race tests with the
#               real keyring, a short fuzz run, the Xvfb smoke test and the
#               Windows build's tests under Wine
#   make package-windows   the Windows MSI and zip in dist/ (cross-built)
#   make screenshots   refresh the README's assets/screenshots (Linux and
#               Windows); make test keeps its own in build/screenshots

BIN      := halo-assistant
GO       ?= go
TAGS     := migrated_fynedo
# Tests use the ci tag: Fyne's software driver, no OpenGL needed; the real
# GLFW build is exercised by `build` and the Xvfb smoke test.
TESTTAGS := ci,migrated_fynedo
# Screenshots of test runs: git-ignored, so a green run leaves the tree clean.
SHOTS    := build/screenshots
VERSION  := $(shell sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
BUILD    := $(shell sed -n 's/^Build = \([0-9]*\)/\1/p' FyneApp.toml)
LDFLAGS  := -X github.com/halo-assistant/halo-assistant/assets.Version=$(VERSION)
export CGO_ENABLED := 1

.PHONY: all build run demo demo-halo test deps-build deps-test fmt-check vet unit fuzz smoke screenshots bench package package-windows test-windows clean

all: build

deps-build:
	@.ci/deps.sh build

deps-test:
	@.ci/deps.sh test

build: deps-build
	$(GO) build -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $(BIN) .

run: build
	./$(BIN)

# The simulated Halo for trying the command line (README, Demo mode): prints
# HALO_URL, HALO_CLIENT_ID and its public HALO_CLIENT_SECRET, runs until
# stopped. DEMO_HALO_FLAGS=-refuse-writes or -search-numbers: other Halos.
demo-halo:
	@$(GO) run ./halo/halotest/cmd/halotest-serve $(DEMO_HALO_FLAGS)

demo: build
	./$(BIN) --demo

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet -tags $(TESTTAGS) ./...
	@# The design rule: the domain packages never depend on the GUI toolkit.
	@if $(GO) list -tags $(TESTTAGS) -deps ./halo/... ./storage/... ./gui/connection/... | grep -q '^fyne.io/'; then \
		echo "halo/, storage/ or gui/connection (a Fyne-free model) imports Fyne"; exit 1; fi

unit:
	.ci/with-keyring.sh $(GO) test -race -tags $(TESTTAGS) -timeout 40m ./...

fuzz:
	.ci/fuzz.sh

smoke: build
	.ci/smoke.sh ./$(BIN) $(SHOTS)

test: deps-test fmt-check build vet unit fuzz smoke test-windows

# Windows: .ci/windows.sh cross-builds with MinGW-w64 and wixl; the Wine test
# reuses its outputs (no second compile).
package-windows:
	@.ci/deps.sh windows
	VERSION=$(VERSION) BUILD=$(BUILD) .ci/windows.sh

test-windows: package-windows
	@.ci/deps.sh windows-test
	VERSION=$(VERSION) BUILD=$(BUILD) .ci/wine-test.sh $(SHOTS)

# The README's screenshots: the smoke and Windows tests, saving into assets/.
screenshots: build package-windows
	@.ci/deps.sh test
	@.ci/deps.sh windows-test
	.ci/smoke.sh ./$(BIN) assets/screenshots
	VERSION=$(VERSION) BUILD=$(BUILD) .ci/wine-test.sh assets/screenshots

bench:
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench . -benchmem ./...

# fyne package bumps Build in FyneApp.toml; the release number is ours to set,
# so the file is restored afterwards. On a Mac it makes the .app (untested).
PKGOS := $(if $(filter Darwin,$(shell uname -s)),darwin,linux)
package: deps-build build
	$(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	cp FyneApp.toml .FyneApp.toml.orig; \
	$$($(GO) env GOPATH)/bin/fyne package -os $(PKGOS) --exe ./$(BIN) --name "Halo Integration Assistant" \
		--icon assets/icon.png --app-id com.halointegration.assistant --app-version $(VERSION) --app-build $(BUILD) --release; \
	status=$$?; mv .FyneApp.toml.orig FyneApp.toml; exit $$status

clean:
	rm -rf $(BIN) *.tar.xz build dist rsrc_windows_amd64.syso
