/* testlib.h - what every unit test needs: cmocka and the templates dir. */
#ifndef LS_TESTLIB_H
#define LS_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

/* Tests run from the project root; LOCSTAT_TEMPLATES overrides. */
static inline const char *test_templates(void)
{
    const char *t = getenv("LOCSTAT_TEMPLATES");
    return t && *t ? t : "templates";
}

/* Write @p content as file @p name in a new temporary directory, for
 * tests of malformed templates; returns the directory (free it after
 * remove_template()). */
static inline char *write_template(const char *name, const char *content)
{
    char *dir = strdup("/tmp/locstat-test-XXXXXX");
    char path[256];
    FILE *fp;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(content, fp);
    fclose(fp);
    return dir;
}

static inline void remove_template(char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    remove(path);
    rmdir(dir);
    free(dir);
}

/* Every article of the seeds and of the shared dev set, decoded to UTF-8 as
 * locstat decodes it, given to @p visit with @p ctx; returns how many. */
static inline size_t test_each_article(void (*visit)(const char *text, size_t len, void *ctx),
                                       void *ctx)
{
    const char *shared = getenv("LOCSTAT_SHARED");
    char dev[1024];
    const char *dirs[2] = { "seeds", dev };
    size_t files = 0;
    snprintf(dev, sizeof(dev), "%s/dev/articles", shared && *shared ? shared : "../shared");
    for (int i = 0; i < 2; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *e;
        if (!d)
            fail_msg("cannot open %s", dirs[i]);
        while ((e = readdir(d))) {
            char path[2048], *data = NULL, *utf8 = NULL;
            size_t len = 0, ulen = 0;
            const char *enc;
            strbuf why = STRBUF_INIT;
            if (!strstr(e->d_name, ".txt"))
                continue;
            snprintf(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
            assert_int_equal(read_file(path, &data, &len), LS_OK);
            if (text_decode(data, len, &utf8, &ulen, &enc, &why) == LS_OK) {
                visit(utf8, ulen, ctx);
                files++;
            }
            sb_release(&why);
            free(utf8);
            free(data);
        }
        closedir(d);
    }
    return files;
}

#define assert_double_equal(a, b)                                                   \
    do {                                                                            \
        double a_ = (a), b_ = (b);                                                  \
        if (fabs(a_ - b_) > 1e-9 * (fabs(a_) > 1 ? fabs(a_) : 1))                   \
            fail_msg("%.9g != %.9g", a_, b_);                                       \
    } while (0)

#endif
