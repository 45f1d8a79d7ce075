# locstat - Chinese local news reports to a comparative statistics workbook.
#
#   make report    install missing dependencies, build, write report.xlsx from seeds/
#   make test      unit tests, end-to-end test and the seeds score
#   make SANITIZE=address,undefined test   the same under ASan and UBSan
#   make WERROR=1  warnings are errors (CI)

CC       ?= cc
PREFIX   ?= /usr/local
SHARE     = $(PREFIX)/share/locstat
SHARED   ?= ../shared
PYTHON   ?= /usr/bin/python3
PKGS      = xlsxwriter libpcre2-8 opencc libxxhash

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
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DLOCSTAT_SHARE='"$(SHARE)"' $(WARN) $(PC_CFLAGS) $(CFLAGS)
LIBS      = $(PC_LIBS) -lm

SRC  = src/util.c src/tmpl.c src/locstat.c src/corpus.c src/text.c src/number.c \
       src/extract.c src/classify.c src/locality.c src/run.c src/outfile.c \
       src/export.c src/report.c src/state.c src/correct.c
OBJ  = $(SRC:src/%.c=build/%.o)
LIB  = build/liblocstat.a
BIN  = build/locstat
UNIT = number extract classify text locality
UNIT_BIN = $(UNIT:%=build/test_%)

.PHONY: FORCE all deps report test unit e2e rerun score clean install valgrind preview \
        fuzz fuzz-replay

all: $(BIN)

deps:
	@.ci/deps

build:
	@mkdir -p build

# Objects depend on the flags they were built with (as git's GIT-CFLAGS):
# changing PREFIX or SANITIZE rebuilds what it must.
build/flags: FORCE | build
	@echo '$(ALL_CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(ALL_CFLAGS) $(LDFLAGS)' > $@

build/%.o: src/%.c src/*.h build/flags | build
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(OBJ)
	$(AR) rcs $@ $^

$(BIN): build/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

report: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) -o report.xlsx seeds

build/test_%: tests/unit/test_%.c tests/unit/testlib.h $(LIB) build/flags
	$(CC) $(ALL_CFLAGS) -Isrc $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< $(LIB) \
	    $(LIBS) $(shell pkg-config --libs cmocka)

test: deps
	@$(MAKE) --no-print-directory unit fuzz-replay e2e rerun score

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; ./$$t; done

e2e: $(BIN)
	$(PYTHON) tests/e2e.py --bin $(BIN) --shared $(SHARED)

rerun: $(BIN)
	$(PYTHON) tests/rerun.py --bin $(BIN)

score: $(BIN)
	$(PYTHON) tests/score.py --bin $(BIN) --shared $(SHARED)

# PCRE2's JIT reads ahead in 16-byte blocks that memcheck reports; the
# interpreter matches the same, so memcheck runs without JIT.
# Fuzz targets: as plain programs that replay the corpus (make test), and
# with libFuzzer under ASan and UBSan (make fuzz FUZZ_SECONDS=600).
FUZZ         = article templates
FUZZ_SECONDS ?= 60
FUZZ_REPLAY  = $(FUZZ:%=build/fuzz_%_replay)

build/fuzz_%_replay: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_replay.h $(LIB) build/flags
	$(CC) $(ALL_CFLAGS) -DFUZZ_REPLAY -Isrc $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

fuzz-replay: $(FUZZ_REPLAY)
	build/fuzz_article_replay tests/fuzz/corpus/article seeds
	build/fuzz_templates_replay tests/fuzz/corpus/templates

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(SRC) src/*.h
	@mkdir -p build/fuzz
	clang -g -O1 -std=c11 -D_GNU_SOURCE $(PC_CFLAGS) -Isrc -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all \
	    -o $@ $< $(SRC) $(LIBS)

fuzz: $(FUZZ:%=build/fuzz/fuzz_%)
	@set -e; for t in $(FUZZ); do mkdir -p build/fuzz/corpus-$$t; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	    build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -close_fd_mask=2 -print_final_stats=1 \
	        -artifact_prefix=build/fuzz/ build/fuzz/corpus-$$t tests/fuzz/corpus/$$t; done

valgrind: $(BIN)
	LOCSTAT_NO_JIT=1 valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    $(BIN) -q -o build/valgrind.xlsx --csv build/valgrind.csv seeds

# the workbook as a person sees it: LibreOffice -> PDF -> PNG pages in preview/
preview: report
	rm -rf preview && mkdir -p preview
	soffice --headless -env:UserInstallation=file://$(CURDIR)/build/lo-profile \
	    --convert-to pdf --outdir preview report.xlsx >/dev/null
	pdftoppm -png -r 70 preview/report.pdf preview/page
	@ls preview/*.png | wc -l | xargs echo "pages in preview/:"

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHARE)/templates $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/locstat
	install -m 644 templates/*.tsv templates/regions.sh $(DESTDIR)$(SHARE)/templates/
	install -m 644 doc/locstat.1 $(DESTDIR)$(PREFIX)/share/man/man1/locstat.1

clean:
	rm -rf build
