/* testlib.h - what every unit test needs: cmocka and the templates dir. */
#ifndef LS_TESTLIB_H
#define LS_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#define assert_double_equal(a, b)                                                   \
    do {                                                                            \
        double a_ = (a), b_ = (b);                                                  \
        if (fabs(a_ - b_) > 1e-9 * (fabs(a_) > 1 ? fabs(a_) : 1))                   \
            fail_msg("%.9g != %.9g", a_, b_);                                       \
    } while (0)

#endif
