/*
 * fuzz_article.c - one article through decode, normalise, locality,
 * extract and classify, and the CSV/JSON writers.
 *
 * With libFuzzer (make fuzz): build/fuzz/fuzz_article CORPUS_DIR
 * As a plain program (make test): build/fuzz_article_replay DIR|FILE...
 * replays every input once; that is how CI runs the corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static run_rules rules;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *t = getenv("LOCSTAT_TEMPLATES");
    (void)argc;
    (void)argv;
    ls_verbosity = -1;
    if (run_rules_load(&rules, t && *t ? t : "templates") != LS_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run_set set;
    memset(&set, 0, sizeof(set));
    run_article_from_memory(&set, &rules, "fuzz.txt", (const char *)data, size);
    run_group_localities(&set);
    /* every figure must point inside the input and carry its fields */
    for (size_t i = 0; i < set.n; i++)
        for (size_t k = 0; k < set.v[i].figs.n; k++) {
            const ls_figure *f = &set.v[i].figs.v[k];
            if (f->offset >= size || !f->surface || !f->sentence || !f->indicator ||
                f->category >= CAT_MAX || f->qualifier >= QUAL_MAX)
                abort();
        }
    run_set_release(&set);
    return 0;
}

#ifdef FUZZ_REPLAY
#include "fuzz_replay.h"
#endif
