# The two commands a new user needs (see README.md):
#   make demo   set up, build, and run fpgarun's main job on the bundled example
#   make test   set up, build, and run the whole test suite
SWIFT ?= swift
BIN    = .build/release/fpgarun

.PHONY: setup build release test demo clean
setup:
	@bash tools/setup.sh

build: setup
	$(SWIFT) build

release: setup
	SWIFT=$(SWIFT) bash tools/build_release.sh

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	bash tools/test_firmware.sh

demo: release
	@bash tools/demo.sh $(BIN)

clean:
	rm -rf .build
