/*
 * fuzz_cache.c - the cache reader on whatever a record may hold.
 *
 * A record's checksum catches damage, but not a file made to pass it:
 * each input is one article record's body, framed as a cache file with a
 * good checksum and followed by a file record naming its content, loaded
 * and restored into an article through the file's key, then freed. A
 * second file record's body is the input's first 32 bytes (when it has
 * them), looked up too. The
 * reader must restore it or refuse it, never crash, hang or leak.
 *
 * With libFuzzer (make fuzz): build/fuzz/fuzz_cache CORPUS_DIR
 * As a plain program (make test): build/fuzz_cache_replay DIR|FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "cache.h"
#include "outfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "0123456789abcdef0123456789abcdef"
#define HASH "fedcba9876543210fedcba9876543210"
#define FILE_KEY "00112233445566778899aabbccddeeff"
#define FILE_KEY2 "ffeeddccbbaa99887766554433221100"

static char cache_file[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ls_verbosity = -1;
    snprintf(cache_file, sizeof(cache_file), "/tmp/fuzz_cache.%d", (int)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    strbuf file = STRBUF_INIT;
    uint64_t len = size, sum;
    size_t head;
    run_article a;
    cache *c;

    sb_addstr(&file, "locstat-cache 3\n" KEY "\n");
    head = file.len;
    sb_addstr(&file, "A" HASH);
    sb_add(&file, &len, sizeof(len));
    sum = XXH3_64bits_withSeed(data, size, XXH3_64bits(file.buf + head, file.len - head));
    sb_add(&file, &sum, sizeof(sum));
    sb_add(&file, data, size);
    for (int k = 0; k < 2; k++) {
        const char *body = k ? (const char *)data : HASH;
        uint64_t n = 32;
        if (k && size < 32)
            break;
        head = file.len;
        sb_addstr(&file, k ? "F" FILE_KEY2 : "F" FILE_KEY);
        sb_add(&file, &n, sizeof(n));
        sum = XXH3_64bits_withSeed(body, 32, XXH3_64bits(file.buf + head, file.len - head));
        sb_add(&file, &sum, sizeof(sum));
        sb_add(&file, body, 32);
    }
    if (outfile_write(cache_file, file.buf, file.len) != LS_OK)
        abort();
    sb_release(&file);
    c = cache_load(cache_file, KEY);
    memset(&a, 0, sizeof(a));
    if (cache_restore_file(c, FILE_KEY, &a)) { /* what it restored, the outputs will read */
        size_t n = strlen(a.loc.name) + strlen(a.loc.code) + strlen(a.encoding);
        for (size_t i = 0; i < a.figs.n; i++)
            n += strlen(a.figs.v[i].sentence) + strlen(a.figs.v[i].indicator) +
                 strlen(a.figs.v[i].unit) + strlen(a.figs.v[i].period);
        if (!n)
            abort();
    }
    run_article_clear(&a);
    memset(&a, 0, sizeof(a));
    if (cache_restore_file(c, FILE_KEY2, &a) && !a.encoding)
        abort();
    run_article_clear(&a);
    cache_free(c);
    unlink(cache_file);
    return 0;
}

#ifdef FUZZ_REPLAY
#include "fuzz_replay.h"
#endif
