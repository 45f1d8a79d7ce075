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

#define assert_double_equal(a, b)                                                   \
    do {                                                                            \
        double a_ = (a), b_ = (b);                                                  \
        if (fabs(a_ - b_) > 1e-9 * (fabs(a_) > 1 ? fabs(a_) : 1))                   \
            fail_msg("%.9g != %.9g", a_, b_);                                       \
    } while (0)

#endif
