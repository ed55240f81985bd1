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

# The Swift tests take 5-10 minutes on two cores; a hang fails them after 30, with every thread's stack.
test: setup
	$(SWIFT) build --build-tests
	bash tools/watchdog.sh 1800 $(SWIFT) test --skip-build
	bash tools/test_firmware.sh

demo: release
	@bash tools/demo.sh $(BIN)

clean:
	rm -rf .build
