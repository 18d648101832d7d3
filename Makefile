# admit — build, test and run. `make run` and `make test` work on a fresh Debian 12 machine:
# every target first makes sure the Debian packages below are installed (`make deps`).

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc

# Debian 12 packages the build, the tests and the tools rely on.
DEB_PKGS := build-essential pkg-config liblua5.4-dev lua5.4 lua-filesystem lua-cjson \
            libcsv-dev lua-busted libreadline-dev libxlsxwriter-dev libutf8proc-dev \
            clang libclang-rt-14-dev valgrind hyperfine nettle-dev unzip
DEB_PKGS += libminizip-dev   # minizip's zip.h: results.xlsx's deflate level (src/xlsx_zip.c)
DEB_PKGS += lua-check   # luacheck: `make lint`, run by .ci/run
DEB_PKGS += tmux   # the terminal REPL spec (tests/02-repl_spec.lua) drives admit in tmux
DEB_PKGS += poppler-utils   # pdftotext -layout: a recueil's text from its PDF (README, tests/16-lang_spec.lua)
DEB_PKGS += time   # GNU time: peak memory of hostile inputs (tests/14-files-inputs_spec.lua)
DEB_PKGS += chromium fonts-dejavu-core   # report.html rendered in a real browser (tests/15-report_spec.lua, make screenshots)

PKG_LIBS := lua5.4 libutf8proc xlsxwriter nettle
WARN     := -Wall -Wextra -Wshadow -Wwrite-strings -Wmissing-prototypes -Wno-unused-parameter
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
             $(shell pkg-config --cflags $(PKG_LIBS) 2>/dev/null)
LDLIBS   = $(shell pkg-config --libs $(PKG_LIBS) 2>/dev/null) -lcsv -lreadline -lm -pthread
# Every allocation of admit's C code goes through src/memacct.c (counted against --max-memory).
MEMACCT  := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,--wrap=strndup

SRCS := $(sort $(wildcard src/*.c))
OBJS := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
DEPS := $(OBJS:.o=.d)

.PHONY: all deps run test asan bench fuzz lint install uninstall clean screenshots

all: deps $(BUILD)/admit

# Installs whichever packages are missing; does nothing (and needs no root) when all are present.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BUILD)/admit: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(MEMACCT) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj deps
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj:
	mkdir -p $@

-include $(DEPS)

# The main job: the regional simulation on the embedded 2023 data.
run: all
	./$(BUILD)/admit scripts/main.lua

# docs/report.png, the README's picture of out/report.html, taken by the browser.
screenshots: run
	@tests/chromium screenshot out/report.html docs/report.png 1200,1900 2>/dev/null
	@echo "docs/report.png: out/report.html as chromium renders it"

# The whole suite: busted specs run inside build/admit, then the C tests.
test: all
	@tests/run $(BUILD)/admit

# The whole suite again, on a build under AddressSanitizer + UndefinedBehaviorSanitizer,
# leak detection on; every sanitizer report of any process counts as a failure
# (tests/sanitize).
asan: deps
	$(MAKE) BUILD=build/asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" build/asan/admit
	@tests/sanitize build/asan/admit

# Static check of every Lua file (configuration: .luacheckrc); prints the closing line CI reads.
lint: deps
	@if luacheck -q lua scripts tests; then echo "tests: 1 passed, 0 failed"; \
	 else echo "tests: 0 passed, 1 failed"; exit 1; fi

bench: all
	@tests/bench/run $(BUILD)/admit

# The harnesses link the same libraries as the program: one list, passed down.
fuzz: deps
	@ADMIT_PKG_LIBS="$(PKG_LIBS)" ADMIT_LDLIBS="$(LDLIBS)" tests/fuzz/run $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/admit
	install -m 755 $(BUILD)/admit $(DESTDIR)$(PREFIX)/bin/admit
	rm -rf $(DESTDIR)$(PREFIX)/share/admit/lua $(DESTDIR)$(PREFIX)/share/admit/data $(DESTDIR)$(PREFIX)/share/admit/scripts
	for d in lua data scripts; do [ ! -d $$d ] || cp -R $$d $(DESTDIR)$(PREFIX)/share/admit/; done
	# the candidates scripts/callorder_example.lua reads by default
	install -d $(DESTDIR)$(PREFIX)/share/admit/tests/fixtures
	cp -R tests/fixtures/callorder $(DESTDIR)$(PREFIX)/share/admit/tests/fixtures/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/admit $(DESTDIR)$(PREFIX)/share/admit

print-%:
	@echo $($*)

clean:
	rm -rf build out
