# locstat - Chinese local news reports to a comparative statistics workbook.
#
#   make report    install missing dependencies, build, write report.xlsx from seeds/
#   make test      everything below; what CI runs
#
#   make unit e2e rerun score     the test suites one by one
#   make SANITIZE=address,undefined test   the whole suite under ASan and UBSan
#   make sanitize  unit tests, fuzz corpus and end-to-end tests under ASan+UBSan (in build/san)
#   make valgrind  the seeds under memcheck: 0 errors, 0 leaks
#   make lint      cppcheck on src/
#   make fuzz FUZZ_SECONDS=600    libFuzzer on both targets (or FUZZ_RUNS=N, FUZZ_JOBS=2)
#   make bench     throughput and memory for 1k, 10k and 100k generated articles
#                  (BENCH_SIZES=1000000 for a million: 4.6 GB, about an hour)
#   make preview   the workbook rendered to PNG pages in preview/
#   make WERROR=1  warnings are errors (CI)

CC       ?= cc
PREFIX   ?= /usr/local
SHARE     = $(PREFIX)/share/locstat
SHARED   ?= ../shared
PYTHON   ?= /usr/bin/python3
PKGS      = xlsxwriter libpcre2-8 opencc libxxhash libzip expat zlib
# ISA-L deflates the workbook when installed; ISAL=0 builds zlib's deflate,
# which is what a machine without libisal gets (make test checks both)
ISAL     ?= $(shell pkg-config --exists libisal 2>/dev/null && echo 1 || echo 0)
ifeq ($(ISAL),1)
PKGS     += libisal
DEFS      = -DHAVE_ISAL
endif
# where OpenCC keeps its configurations and dictionaries (src/convert.c
# checks templates/t2s-phrases.tsv and s2t-phrases.tsv against them)
OPENCC_DATADIR ?= $(shell pkg-config --variable=prefix opencc 2>/dev/null)/share/opencc
B        ?= build

CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes -Wformat=2 -Wvla
ifdef WERROR
WARN     += -Werror
endif
ifdef SANITIZE
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif
PC_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PC_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(DEFS) -DLOCSTAT_SHARE='"$(SHARE)"' -DOPENCC_DATADIR='"$(OPENCC_DATADIR)"' $(WARN) $(PC_CFLAGS) $(CFLAGS)
LIBS      = $(PC_LIBS) -lm -pthread

SRC  = src/util.c src/tmpl.c src/convert.c src/cache.c src/labels.c src/locstat.c src/corpus.c src/text.c src/number.c \
       src/extract.c src/classify.c src/indicate.c src/compare.c src/locality.c src/run.c src/outfile.c \
       src/export.c src/zipdeflate.c src/xlsxtmp.c src/report.c src/state.c src/correct.c src/xlsxread.c src/harvest.c \
       src/store.c
OBJ  = $(SRC:src/%.c=$(B)/%.o)
LIB  = $(B)/liblocstat.a
BIN  = $(B)/locstat
UNIT = number extract classify indicate compare text locality xlsxread convert state tmpl zipdeflate store xlsxtmp
UNIT_BIN = $(UNIT:%=$(B)/test_%)
FUZZ = article templates workbook cache
FUZZ_REPLAY = $(FUZZ:%=$(B)/fuzz_%_replay)
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
FUZZ_JOBS    ?= 1

.PHONY: FORCE all deps report test check unit e2e rerun hostile workbook score golden golden-update clean install valgrind tsan preview \
        fuzz fuzz-replay sanitize lint bench zlib

all: $(BIN)

deps:
	@.ci/deps

$(B):
	@mkdir -p $(B)

# Objects depend on the flags they were built with (as git's GIT-CFLAGS):
# changing PREFIX or SANITIZE rebuilds what it must.
$(B)/flags: FORCE | $(B)
	@echo '$(ALL_CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(ALL_CFLAGS) $(LDFLAGS)' > $@

$(B)/%.o: src/%.c src/*.h $(B)/flags | $(B)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(OBJ)
	$(AR) rcs $@ $^

$(BIN): $(B)/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

report: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) -o report.xlsx seeds

# ---- tests ----

test: deps
	@$(MAKE) --no-print-directory check sanitize tsan valgrind lint zlib

check: unit fuzz-replay golden e2e rerun hostile workbook score

$(B)/test_%: tests/unit/test_%.c tests/unit/testlib.h $(LIB) $(B)/flags
	$(CC) $(ALL_CFLAGS) -Isrc $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< $(LIB) \
	    $(LIBS) $(shell pkg-config --libs cmocka)

# it writes a package through minizip itself, as libxlsxwriter does (minizip
# is linked by name: its pkg-config -I would hide libzip's zip.h)
$(B)/test_zipdeflate: LIBS += -lminizip

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; LOCSTAT_SHARED=$(SHARED) ./$$t; done

e2e: $(BIN)
	$(PYTHON) tests/e2e.py --bin $(BIN) --shared $(SHARED)

rerun: $(BIN)
	$(PYTHON) tests/rerun.py --bin $(BIN) --shared $(SHARED)

hostile: $(BIN)
	$(PYTHON) tests/hostile.py --bin $(BIN)

workbook: $(BIN)
	$(PYTHON) tests/workbook.py --bin $(BIN)

score: $(BIN)
	$(PYTHON) tests/score.py --bin $(BIN) --shared $(SHARED)

# The seeds' CSV, byte for byte: any change to what locstat finds shows up
# here. After an intended change, review the diff and run golden-update.
golden: $(BIN)
	@$(BIN) -q --no-workbook --csv $(B)/golden.csv seeds
	@if cmp -s tests/golden/seeds.csv $(B)/golden.csv; then echo "golden: 1 passed, 0 failed"; \
	else diff tests/golden/seeds.csv $(B)/golden.csv | head -20; echo "golden: 0 passed, 1 failed"; exit 1; fi

golden-update: $(BIN)
	$(BIN) -q --no-workbook --csv tests/golden/seeds.csv seeds

# The suites that find memory errors, again under ASan and UBSan, in a
# build directory of their own (the killing test is left to the plain build).
sanitize:
	@$(MAKE) --no-print-directory B=build/san SANITIZE=address,undefined unit fuzz-replay e2e workbook

# The workbook deflated with zlib, as where libisal is missing: the
# package test again in a build of its own.
zlib:
	@$(MAKE) --no-print-directory B=build/zlib ISAL=0 build/zlib/test_zipdeflate
	@build/zlib/test_zipdeflate

# Articles are read on several threads: ThreadSanitizer watches four of
# them over the seeds and the fuzz corpus's edge cases, once reading every
# article and once taking them from the cache the first run wrote (and
# keeping the figures in the store, as runs of many articles do).
tsan:
	@$(MAKE) --no-print-directory B=build/tsan SANITIZE=thread build/tsan/locstat build/tsan/test_zipdeflate \
	    build/tsan/test_store
	@# the workbook's parts deflated in many pieces on three workers; the store's blocks on four
	@for t in zipdeflate store; do \
	    TSAN_OPTIONS=halt_on_error=1:exitcode=66:suppressions=tests/tsan.supp build/tsan/test_$$t >/dev/null || \
	    { echo "tsan: 0 passed, 1 failed (test_$$t)"; exit 1; }; done
	@rm -f build/tsan/tsan.cache build/tsan/tsan.state.tsv build/tsan/tsan.state.tsv.bak
	@set -e; for pass in full cached; do rc=0; \
	    LOCSTAT_FIGURE_STORE=$$([ $$pass = cached ] && echo always || echo never) \
	    TSAN_OPTIONS=halt_on_error=1:exitcode=66:suppressions=tests/tsan.supp build/tsan/locstat -q -j 4 \
	        -o build/tsan/tsan.xlsx --csv build/tsan/tsan-$$pass.csv seeds tests/fuzz/corpus/article/* \
	        || rc=$$?; [ $$rc -le 2 ] || { echo "tsan: 0 passed, 1 failed ($$pass run, exit $$rc)"; exit 1; }; \
	done; cmp -s build/tsan/tsan-full.csv build/tsan/tsan-cached.csv || \
	    { echo "tsan: 0 passed, 1 failed (the cached run's CSV differs)"; exit 1; }
	@# exports only: the CSV is written while the comparison is built
	@rc=0; TSAN_OPTIONS=halt_on_error=1:exitcode=66:suppressions=tests/tsan.supp build/tsan/locstat -q -j 4 \
	    --no-workbook -o build/tsan/tsan.xlsx --csv build/tsan/tsan-exports.csv --json build/tsan/tsan.json \
	    seeds tests/fuzz/corpus/article/* || rc=$$?; [ $$rc -le 2 ] || \
	    { echo "tsan: 0 passed, 1 failed (exports only, exit $$rc)"; exit 1; }; \
	cmp -s build/tsan/tsan-full.csv build/tsan/tsan-exports.csv || \
	    { echo "tsan: 0 passed, 1 failed (the exports-only CSV differs)"; exit 1; }
	@echo "tsan: 1 passed, 0 failed"

# PCRE2's JIT reads ahead in 16-byte blocks that memcheck reports; the
# interpreter matches the same, so memcheck runs without JIT.
valgrind: $(BIN)
	@rm -f $(B)/valgrind.cache $(B)/valgrind.state.tsv $(B)/valgrind.state.tsv.bak
	@set -e; for pass in full cached; do \
	    LOCSTAT_NO_JIT=1 valgrind -q --error-exitcode=9 --leak-check=full \
	        --suppressions=tests/valgrind.supp \
	        --errors-for-leak-kinds=definite,indirect,possible \
	        $(BIN) -q -o $(B)/valgrind.xlsx --csv $(B)/valgrind.csv seeds; done
	@echo "valgrind: 1 passed, 0 failed"

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --std=c11 --inline-suppr -D_GNU_SOURCE -I src src

# ---- fuzzing ----

$(B)/fuzz_%_replay: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_replay.h $(LIB) $(B)/flags
	$(CC) $(ALL_CFLAGS) -DFUZZ_REPLAY -Isrc $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

fuzz-replay: $(FUZZ_REPLAY)
	$(B)/fuzz_article_replay tests/fuzz/corpus/article seeds
	$(B)/fuzz_templates_replay tests/fuzz/corpus/templates
	$(B)/fuzz_workbook_replay tests/fuzz/corpus/workbook
	$(B)/fuzz_cache_replay tests/fuzz/corpus/cache

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(SRC) src/*.h
	@mkdir -p $(B)/fuzz
	clang -g -O1 -std=c11 -D_GNU_SOURCE $(PC_CFLAGS) -Isrc -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o $@ $< $(SRC) $(LIBS)

# Each target for FUZZ_SECONDS, or FUZZ_RUNS executions if set, in
# FUZZ_JOBS processes that share its corpus; logs in $(B)/fuzz/TARGET-N.log.
fuzz: $(FUZZ:%=$(B)/fuzz/fuzz_%)
	@set -e; for t in $(FUZZ); do mkdir -p $(B)/fuzz/corpus-$$t; \
	    echo "== fuzz_$$t: $(FUZZ_JOBS) process(es), $(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s) each"; \
	    pids=; for j in $$(seq $(FUZZ_JOBS)); do \
	        $(B)/fuzz/fuzz_$$t $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_SECONDS)) \
	            -close_fd_mask=2 -print_final_stats=1 -artifact_prefix=$(B)/fuzz/ \
	            $(B)/fuzz/corpus-$$t tests/fuzz/corpus/$$t > $(B)/fuzz/$$t-$$j.log 2>&1 & pids="$$pids $$!"; \
	    done; st=0; for p in $$pids; do wait $$p || st=1; done; \
	    for j in $$(seq $(FUZZ_JOBS)); do grep -E "^Done|number_of_executed|peak_rss" $(B)/fuzz/$$t-$$j.log || true; done; \
	    if [ $$st != 0 ]; then tail -40 $(B)/fuzz/$$t-*.log; exit 1; fi; done

# ---- benchmark ----

BENCH_SIZES ?= 1000,10000,100000
bench: deps $(BIN)
	$(PYTHON) tests/bench.py --bin $(BIN) --sizes $(BENCH_SIZES) --libreoffice

# ---- the workbook as a person sees it: LibreOffice -> PDF -> PNG pages ----

preview: report
	rm -rf preview && mkdir -p preview
	soffice --headless -env:UserInstallation=file://$(CURDIR)/$(B)/lo-profile \
	    --convert-to pdf --outdir preview report.xlsx >/dev/null
	pdftoppm -png -r 70 preview/report.pdf preview/page
	@ls preview/*.png | wc -l | xargs echo "pages in preview/:"

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHARE)/templates $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/locstat
	install -m 644 templates/*.tsv templates/regions.sh templates/opencc-phrases.sh $(DESTDIR)$(SHARE)/templates/
	install -m 644 doc/locstat.1 $(DESTDIR)$(PREFIX)/share/man/man1/locstat.1

clean:
	rm -rf build
