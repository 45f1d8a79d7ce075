/*
 * fuzz_templates.c - the template loaders on whatever a person might type.
 *
 * The first byte of an input picks a template file; the rest becomes its
 * content in a scratch copy of templates/ (with a small gazetteer, so
 * that loading it is cheap), and the loader that reads it runs. Loaders
 * must reject or accept, never crash or leak.
 *
 * With libFuzzer (make fuzz): build/fuzz/fuzz_templates CORPUS_DIR
 * As a plain program (make test): build/fuzz_templates_replay DIR|FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "extract.h"
#include "indicate.h"
#include "locality.h"
#include "number.h"
#include "text.h"

static const char *const files[] = {
    "numerals.tsv", "text.tsv", "units.tsv", "qualifiers.tsv", "periods.tsv", "status.tsv",
    "exclude.tsv", "words.tsv", "categories.tsv", "classify.tsv", "places.tsv", "regions.tsv",
    "indicators.tsv", "indicate.tsv", "indicator_words.tsv",
};
#define NFILES (sizeof(files) / sizeof(*files))

static char *dir;
static char *original[NFILES];
static size_t original_len[NFILES];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put_file(size_t k, const char *data, size_t len)
{
    char *path = xstrfmt("%s/%s", dir, files[k]);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp))
        abort();
    free(path);
}

/* Every execution writes a file: where TMPDIR does not say otherwise,
 * tmpfs, since on a disk-backed /tmp the writes were 40% of the time. */
static const char *scratch_base(void)
{
    const char *t = getenv("TMPDIR");
    if (t && *t)
        return t;
    return access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
}

static void remove_scratch(void)
{
    for (size_t k = 0; k < NFILES; k++) {
        char *path = xstrfmt("%s/%s", dir, files[k]);
        unlink(path);
        free(path);
        free(original[k]);
    }
    rmdir(dir);
    free(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *t = getenv("LOCSTAT_TEMPLATES");
    (void)argc;
    (void)argv;
    ls_verbosity = -1;
    /* the loaders, not PCRE2's JIT compiler, are under test here */
    setenv("LOCSTAT_NO_JIT", "1", 0);
    dir = xstrfmt("%s/locstat-fuzz-XXXXXX", scratch_base());
    if (!mkdtemp(dir))
        abort();
    atexit(remove_scratch);
    for (size_t k = 0; k < NFILES; k++) {
        char *src = xstrfmt("%s/%s", t && *t ? t : "templates", files[k]);
        if (read_file(src, &original[k], &original_len[k]) != LS_OK)
            abort();
        if (!strcmp(files[k], "regions.tsv")) {
            /* the first lines only: provinces and a few cities */
            size_t n = 0, lines = 0;
            while (n < original_len[k] && lines < 60)
                lines += original[k][n++] == '\n';
            original_len[k] = n;
        }
        put_file(k, original[k], original_len[k]);
        free(src);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t k;
    num_table *nt = NULL;

    if (size < 1)
        return 0;
    k = data[0] % NFILES;
    put_file(k, (const char *)data + 1, size - 1);
    if (num_table_load(&nt, dir) == LS_OK) {
        text_rules *tr = NULL;
        extract_rules *er = NULL;
        classify_rules *cr = NULL;
        gazetteer *g = NULL;
        if (k == 1 && text_rules_load(&tr, dir) == LS_OK)
            text_rules_free(tr);
        if (k >= 2 && k <= 7 && extract_rules_load(&er, dir, nt) == LS_OK)
            extract_rules_free(er);
        if ((k == 8 || k == 9) && classify_rules_load(&cr, dir) == LS_OK)
            classify_rules_free(cr);
        if (k >= 12) {
            ind_rules *ir = NULL;
            if (ind_rules_load(&ir, dir) == LS_OK)
                ind_rules_free(ind_rules_fork(ir)), ind_rules_free(ir);
        }
        if ((k == 10 || k == 11) && gaz_load(&g, dir) == LS_OK) {
            loc_result r;
            loc_resolve_text(g, "吉林省长春市", "北京市朝阳区", &r);
            loc_release(&r);
            gaz_free(g);
        }
        num_table_free(nt);
    }
    put_file(k, original[k], original_len[k]);
    return 0;
}

#ifdef FUZZ_REPLAY
#include "fuzz_replay.h"
#endif
