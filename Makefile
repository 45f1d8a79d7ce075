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

.PHONY: FORCE all deps report test unit e2e rerun score clean install valgrind preview

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
	@$(MAKE) --no-print-directory unit e2e rerun score

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
