/* main.c - command line: options in, exit status out. */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "cache.h"
#include "correct.h"
#include "export.h"
#include "harvest.h"
#include "labels.h"
#include "locstat.h"
#include "report.h"
#include "run.h"
#include "state.h"
#include "store.h"
#include "tmpl.h"

#ifndef LOCSTAT_SHARE
#define LOCSTAT_SHARE "/usr/local/share/locstat"
#endif

#define DEFAULT_MAX_SIZE (16u * 1024 * 1024)
/* A category sheet lists at most this many figures (Excel's limit is
 * 1,048,576 rows, but a sheet past ~100k rows is slow to open and of no
 * use to read). The CSV has all. */
#define DEFAULT_MAX_ROWS 100000
/* Above this many articles the run's figures are not freed one by one at exit. */
#define FREE_AT_EXIT_MAX 20000
/* From this many articles (about 2 GB of figures on the heap) the run
 * keeps its figures in a file beside the report (store.h). */
#define STORE_MIN_ARTICLES 200000

enum { EXIT_ALL_OK = 0, EXIT_USAGE = 1, EXIT_SOME_FAILED = 2, EXIT_NOTHING = 3, EXIT_LOCKED = 4 };

static void usage(FILE *fp)
{
    fputs("usage: locstat [options] [DIR|FILE...]\n"
          "\n"
          "Reads Chinese local news articles (default: seeds/), finds every figure\n"
          "with its unit, qualifier and category, resolves each article's locality\n"
          "and writes a workbook comparing the localities.\n"
          "\n"
          "  -o FILE          workbook to write (default report.xlsx)\n"
          "      --no-workbook  only the --csv/--json exports\n"
          "      --csv FILE   also write the figures as CSV\n"
          "      --json FILE  also write the figures as JSON\n"
          "      --compare-csv FILE  also write the comparison's cells as CSV\n"
          "  -t DIR           templates directory (default templates/, then\n"
          "                   " LOCSTAT_SHARE "/templates)\n"
          "      --lang LANG  workbook labels: zh (default) or en\n"
          "      --max-size N skip articles larger than N bytes (default 16 MiB)\n"
          "      --max-rows N list at most N figures per category sheet, and as many\n"
          "                   on the review and updates sheets (default 100000;\n"
          "                   the CSV always has every figure)\n"
          "      --corrections FILE  staff corrections (default corrections.tsv in the\n"
          "                   first directory read, e.g. seeds/corrections.tsv)\n"
          "      --corrections-from FILE.xlsx  read staff's edits from this saved\n"
          "                   workbook (default: the workbook at -o, when there)\n"
          "      --wait SECONDS  wait this long for another run writing the same\n"
          "                   report (default 60), then give up with status 4\n"
          "  -j, --jobs N     read articles on N threads (default: one per\n"
          "                   processor, at most 16); the output is the same\n"
          "  -q               only errors on stderr\n"
          "  -v               say what happens to each article, and where the time\n"
          "                   went (-vv: also category scores)\n"
          "  -h, --help       this text\n"
          "      --version    print the version\n"
          "\n"
          "Beside the report it keeps FILE.state.tsv (what the previous run saw, to\n"
          "mark what is new), FILE.cache (what it made of each article, so that a\n"
          "rerun reads only new ones; delete it to read all again) and FILE.lock\n"
          "(one run at a time).\n"
          "\n"
          "Exit status: 0 every article processed; 1 usage error; 2 some articles\n"
          "failed but the report was written; 3 nothing could be written; 4 another\n"
          "run held the lock for longer than --wait.\n",
          fp);
}

static const char *find_templates(const char *given)
{
    struct stat st;
    if (given)
        return given;
    if (stat("templates/units.tsv", &st) == 0)
        return "templates";
    return LOCSTAT_SHARE "/templates";
}

/* One run at a time per report: an exclusive flock on FILE.lock, waited
 * for at most @p wait seconds. Returns the descriptor (kept open until
 * exit), or -1 after printing why. */
static int take_lock(const char *report, double wait)
{
    size_t n = strlen(report);
    char *path;
    int fd;
    struct timespec start, now;

    if (n > 5 && !strcmp(report + n - 5, ".xlsx"))
        n -= 5;
    path = xstrfmt("%.*s.lock", (int)n, report);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error("cannot write '%s' (the lock for '%s'): %s", path, report, strerror(errno));
        free(path);
        return -2;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        double waited;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            error("cannot lock '%s': %s", path, strerror(errno));
            close(fd);
            free(path);
            return -2;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        waited = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (waited >= wait) {
            error("another locstat run is writing '%s' (lock '%s'); gave up after %.0f s",
                  report, path, wait);
            close(fd);
            free(path);
            return -1;
        }
        usleep(100 * 1000);
    }
    free(path);
    return fd;
}

/* SOURCE_DATE_EPOCH, the reproducible-builds clock, or -1 when unset. */
static time_t source_date_epoch(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            return (time_t)v;
        warning("ignoring SOURCE_DATE_EPOCH='%s': not a number of seconds", sde);
    }
    return -1;
}

/* The workbook's created time: SOURCE_DATE_EPOCH, else the newest article. */
static time_t created_time(const corpus *c)
{
    time_t t = source_date_epoch();
    if (t >= 0)
        return t;
    t = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct stat st;
        if (stat(c->v[i].path, &st) == 0 && st.st_mtime > t)
            t = st.st_mtime;
    }
    return t;
}

/* The CSV and JSON exports, which may be written on a thread of their own
 * while the workbook is: both only read the run. */
typedef struct {
    const run_set *set;
    const cmp_matrix *cmp;
    const ind_rules *rules;
    const char *csv, *json, *compare;
    int failed;
    strbuf log; /* their messages, printed once they are done */
} exports;

static void *write_exports(void *arg)
{
    exports *x = arg;
    ls_capture(&x->log);
    if (x->csv && export_csv(x->set, x->rules, x->csv) != LS_OK)
        x->failed = 1;
    if (x->json && export_json(x->set, x->cmp, x->json) != LS_OK)
        x->failed = 1;
    if (x->compare && export_compare_csv(x->set, x->cmp, x->compare) != LS_OK)
        x->failed = 1;
    ls_capture(NULL);
    return NULL;
}

/* The comparison, which may be built on a thread of its own while the
 * state is brought up to date: one only reads what the other does not
 * write (figures' values and indicators; their change marks). */
typedef struct {
    cmp_matrix *cmp;
    const run_set *set;
    const ind_rules *rules;
} comparison;

static void *build_comparison(void *arg)
{
    comparison *c = arg;
    cmp_build(c->cmp, c->set, c->rules);
    return NULL;
}

static int exports_done(exports *x)
{
    if (x->log.len)
        fwrite(x->log.buf, 1, x->log.len, stderr);
    sb_release(&x->log);
    return x->failed;
}

typedef struct {
    const char *out, *csv, *json, *compare, *tdir, *fixes;
    const char *fixes_from; /* --corrections-from: the workbook staff saved */
    int no_workbook;
    size_t max_size;
    double wait;
    report_options report;
    int jobs; /* 0: one per online processor */
} options;

/* Returns -1 after a usage message, 1 for --help/--version, else 0. */
static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        { "csv", required_argument, NULL, 'C' },  { "json", required_argument, NULL, 'J' },
        { "lang", required_argument, NULL, 'L' }, { "max-size", required_argument, NULL, 'M' },
        { "corrections", required_argument, NULL, 'F' }, { "wait", required_argument, NULL, 'W' },
        { "no-workbook", no_argument, NULL, 'N' }, { "max-rows", required_argument, NULL, 'R' },
        { "jobs", required_argument, NULL, 'j' }, { "compare-csv", required_argument, NULL, 'P' },
        { "corrections-from", required_argument, NULL, 'X' },
        { "help", no_argument, NULL, 'h' },       { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    char *end;

    while ((opt = getopt_long(argc, argv, "o:t:j:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': o->out = optarg; break;
        case 'C': o->csv = optarg; break;
        case 'J': o->json = optarg; break;
        case 'P': o->compare = optarg; break;
        case 't': o->tdir = optarg; break;
        case 'F': o->fixes = optarg; break;
        case 'X': o->fixes_from = optarg; break;
        case 'N': o->no_workbook = 1; break;
        case 'q': ls_verbosity = 0; break;
        case 'v': ls_verbosity = ls_verbosity < 2 ? 2 : ls_verbosity + 1; break;
        case 'L':
            if (strcmp(optarg, "zh") && strcmp(optarg, "en"))
                return error("--lang takes zh or en, not '%s'", optarg);
            o->report.english = !strcmp(optarg, "en");
            break;
        case 'M':
            o->max_size = (size_t)strtoull(optarg, &end, 10);
            if (*end || o->max_size == 0)
                return error("--max-size takes a number of bytes, not '%s'", optarg);
            break;
        case 'R':
            o->report.max_rows = (size_t)strtoull(optarg, &end, 10);
            if (*end || o->report.max_rows == 0 || o->report.max_rows > 1048000)
                return error("--max-rows takes a number from 1 to 1048000, not '%s'", optarg);
            break;
        case 'j': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 256)
                return error("-j takes a number of threads from 1 to 256, not '%s'", optarg);
            o->jobs = (int)v;
            break;
        }
        case 'W':
            o->wait = strtod(optarg, &end);
            if (*end || o->wait < 0)
                return error("--wait takes a number of seconds, not '%s'", optarg);
            break;
        case 'h': usage(stdout); return 1;
        case 'V': printf("locstat %s\n", LOCSTAT_VERSION); return 1;
        default: usage(stderr); return -1;
        }
    }
    return 0;
}

/* Where a run of @p articles keeps its figures: in a store beside the
 * report @p out once they are many, or as LOCSTAT_FIGURE_STORE says
 * ("always", "never"); NULL for the heap. */
static store *figure_store(const char *out, size_t articles)
{
    const char *want = getenv("LOCSTAT_FIGURE_STORE");
    char *dir;
    store *st;
    if (want && !strcmp(want, "never"))
        return NULL;
    if (!(want && !strcmp(want, "always")) && articles < STORE_MIN_ARTICLES)
        return NULL;
    dir = path_dir(out);
    st = store_open(dir);
    if (!st)
        warning("cannot keep the figures in a file in '%s': %s; they stay in memory", dir,
                strerror(errno));
    else
        info("keeping the figures in a file in '%s'", dir);
    free(dir);
    return st;
}

/* Where a run's time went, for -v: stage names and seconds, in order. */
enum { T_LIST, T_RULES, T_ARTICLES, T_CACHE, T_PREPARE, T_WORKBOOK, T_EXPORTS, T_MAX };
static const char *const stage_name[T_MAX] = {
    "listing", "templates", "articles", "cache", "state and comparison", "workbook", "exports",
};

typedef struct {
    struct timespec last;
    double s[T_MAX];
} stopwatch;

static double seconds_since(struct timespec *last)
{
    struct timespec now;
    double d;
    clock_gettime(CLOCK_MONOTONIC, &now);
    d = (double)(now.tv_sec - last->tv_sec) + (double)(now.tv_nsec - last->tv_nsec) / 1e9;
    *last = now;
    return d;
}

/* The time since the last lap goes to stage @p t. */
static void lap(stopwatch *w, int t)
{
    w->s[t] += seconds_since(&w->last);
}

/* The one-line summary a scheduled job logs. */
static void summary(const run_set *set, const char *out, int wrote, const struct timespec *t0,
                    const stopwatch *w)
{
    struct timespec t1;
    size_t nnew = 0, nchanged = 0, nwarn = 0;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (size_t i = 0; i < set->n; i++) {
        nnew += set->v[i].change == CHANGE_NEW;
        nchanged += set->v[i].change == CHANGE_CHANGED;
        nwarn += set->v[i].warnings != NULL;
    }
    fprintf(stderr,
            "locstat: %zu articles (%zu new, %zu changed, %zu removed, %zu failed), "
            "%zu localities, %zu figures, %zu warnings, %.2f s -> %s\n",
            set->n, nnew, nchanged, set->nremoved, set->failed, set->nloc,
            run_figure_count(set), nwarn,
            (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9,
            wrote ? out : "(no workbook)");
    if (ls_verbosity >= 2) {
        fputs("locstat: time:", stderr);
        for (int t = 0; t < T_MAX; t++)
            fprintf(stderr, "%s %s %.2f s", t ? "," : "", stage_name[t], w->s[t]);
        fputc('\n', stderr);
    }
}

int main(int argc, char **argv)
{
    options o = { "report.xlsx", NULL, NULL, NULL, NULL, NULL, NULL, 0, DEFAULT_MAX_SIZE, 60,
                  { 0, 0, NULL, DEFAULT_MAX_ROWS, NULL, 0 }, 0 };
    char *fixes_default = NULL, *state_path = NULL, *cache_file = NULL;
    int lock_fd = -1, rc, status = EXIT_NOTHING, wrote = 0, failed = 0;
    corpus c = { NULL, 0, 0 };
    run_rules rules;
    run_set set;
    cmp_matrix cmp;
    corrections corr;
    labels lbl;
    char *wb_problem = NULL, *state_problem = NULL;
    report_notice notices[3];
    size_t nnotices = 0;
    state st;
    struct stat sb;
    struct timespec t0;
    stopwatch w;
    comparison job;
    pthread_t ctid;
    int cmp_threaded = 0;

    /* everything below may be released half-built */
    memset(&rules, 0, sizeof(rules));
    memset(&set, 0, sizeof(set));
    memset(&cmp, 0, sizeof(cmp));
    memset(&corr, 0, sizeof(corr));
    memset(&lbl, 0, sizeof(lbl));
    memset(notices, 0, sizeof(notices));
    memset(&st, 0, sizeof(st));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(&w, 0, sizeof(w));
    w.last = t0;

    rc = parse_options(argc, argv, &o);
    if (rc)
        return rc < 0 ? EXIT_USAGE : EXIT_ALL_OK;

    lock_fd = take_lock(o.out, o.wait);
    if (lock_fd < 0) {
        status = lock_fd == -1 ? EXIT_LOCKED : EXIT_NOTHING;
        goto out;
    }

    if (optind == argc) {
        if (corpus_add(&c, "seeds") < 0)
            goto out;
        fixes_default = xstrdup("seeds/corrections.tsv");
    }
    for (int i = optind; i < argc; i++) {
        if (corpus_add(&c, argv[i]) < 0)
            failed = 1; /* a missing path counts as a failed article */
        else if (!fixes_default && stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            fixes_default = xstrfmt("%s/corrections.tsv", argv[i]);
    }
    corpus_sort(&c);
    lap(&w, T_LIST); /* a directory of a million articles takes seconds */
    if (c.n == 0 && failed) {
        /* nothing could be read: keep the report that is there */
        error("no articles to read; '%s' left as it was", o.out);
        goto out;
    }

    o.tdir = find_templates(o.tdir);
    if (stat(o.tdir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        error("templates directory '%s' not found (give one with -t DIR)", o.tdir);
        goto out;
    }
    if (run_rules_load(&rules, o.tdir) != LS_OK)
        goto out;
    lap(&w, T_RULES);

    if (!o.jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o.jobs = n < 1 ? 1 : n > 16 ? 16 : (int)n;
    }
    {
        /* what earlier runs made of unchanged articles: a rerun reads only
         * the new ones. Losing the cache loses time, not results, so
         * failing to write it fails nothing. */
        char key[33];
        cache *cc;
        cache_file = cache_path_for(o.out);
        cache_key(o.tdir, key);
        cc = cache_load(cache_file, key);
        lap(&w, T_CACHE);
        set.store = figure_store(o.out, c.n);
        run_articles(&set, &rules, &c, o.max_size, o.jobs, cc);
        if (set.store)
            info("the figures take %.1f MB of the file", (double)store_used(set.store) / 1e6);
        lap(&w, T_ARTICLES);
        cache_finish(cc, &set);
        cache_free(cc);
        lap(&w, T_CACHE);
    }
    run_mark_duplicates(&set);
    if (!o.no_workbook) {
        state_path = state_path_for(o.out);
        /* the reason is on stderr; the review sheet names the file */
        int loaded = state_load(&st, state_path, &state_problem);
        if (loaded) {
            notices[nnotices].key = loaded > 0 ? "review.state" : "review.state_lost";
            notices[nnotices++].text = state_path;
        }
    }
    corrections_load(&corr, o.fixes ? o.fixes : fixes_default ? fixes_default : "corrections.tsv");
    {
        /* the edits staff made in the workbook they saved: each becomes a
         * line of the corrections file before the new workbook replaces it */
        const char *from = o.fixes_from;
        if (!from && !o.no_workbook && stat(o.out, &sb) == 0) {
            /* the very bytes locstat wrote hold no edits: not read again */
            char hex[33];
            state_file_hash(o.out, hex);
            if (!st.workbook[0] || strcmp(hex, st.workbook))
                from = o.out;
        }
        int got = from && labels_load(&lbl, o.tdir) == LS_OK
                      ? harvest_workbook(&corr, from, &lbl, &wb_problem)
                      : 0;
        if (got < 0) {
            notices[nnotices].key = "review.workbook";
            notices[nnotices++].text = from; /* the reason is on stderr */
            failed |= got == -1; /* a workbook not ours is only skipped */
        }
        if (corrections_save(&corr) != LS_OK)
            failed = 1;
    }
    corrections_apply(&corr, &set, rules.gaz);
    run_group_localities(&set);
    if (o.no_workbook) { /* exports only: no workbook, so no marks to keep */
        /* the CSV needs no comparison: written on a thread of its own
         * while the comparison is built, then the exports that need it
         * (none: the comparison is not built at all) */
        exports xc = { &set, NULL, rules.indicate, o.csv, NULL, NULL, 0, STRBUF_INIT };
        exports x = { &set, &cmp, rules.indicate, NULL, o.json, o.compare, 0, STRBUF_INIT };
        pthread_t tid;
        int threaded = o.csv && o.jobs > 1 && !pthread_create(&tid, NULL, write_exports, &xc);
        wrote = 1;
        if (o.json || o.compare)
            cmp_build(&cmp, &set, rules.indicate);
        lap(&w, T_PREPARE);
        if (threaded)
            pthread_join(tid, NULL);
        else
            write_exports(&xc);
        failed |= exports_done(&xc);
        write_exports(&x);
        failed |= exports_done(&x);
        lap(&w, T_EXPORTS);
        goto done;
    }
    job.cmp = &cmp;
    job.set = &set;
    job.rules = rules.indicate;
    cmp_threaded = o.jobs > 1 && !pthread_create(&ctid, NULL, build_comparison, &job);
    if (!cmp_threaded)
        cmp_build(&cmp, &set, rules.indicate);

    /* what changed since the previous run; the state is saved only after
     * the report, so a report that failed is redone next time */
    {
        /* the run's time (first seen, last changed): SOURCE_DATE_EPOCH
         * makes two runs byte-identical whatever the clock says */
        time_t now = source_date_epoch();
        int changed = state_update(&st, &set, now >= 0 ? now : time(NULL));
        int state_missing = stat(state_path, &sb) != 0;
        exports x = { &set, &cmp, rules.indicate, o.csv, o.json, o.compare, 0, STRBUF_INIT };
        pthread_t tid;
        int threaded;

        o.report.created = created_time(&c);
        if (cmp_threaded)
            pthread_join(ctid, NULL);
        threaded = o.jobs > 1 && (o.csv || o.json || o.compare) &&
                   !pthread_create(&tid, NULL, write_exports, &x);
        o.report.fixes = &corr;
        o.report.notices = notices;
        o.report.jobs = o.jobs;
        lap(&w, T_PREPARE);
        wrote = report_write(&set, &cmp, o.tdir, o.out, &o.report) == LS_OK;
        failed |= !wrote;
        lap(&w, T_WORKBOOK);
        /* on their own thread the exports overlapped the workbook: what
         * is counted for them is the wait after it */
        if (threaded)
            pthread_join(tid, NULL);
        else
            write_exports(&x);
        failed |= exports_done(&x);
        lap(&w, T_EXPORTS);
        if (wrote) {
            char hex[33];
            state_file_hash(o.out, hex);
            changed |= strcmp(hex, st.workbook) != 0;
            memcpy(st.workbook, hex, sizeof(hex));
        }
        if (wrote && (changed || state_missing) && state_save(&st, state_path) != LS_OK)
            failed = 1;
        lap(&w, T_PREPARE);
    }
done:
    if (ls_verbosity >= 1)
        summary(&set, o.no_workbook ? "(no workbook)" : o.out, wrote, &t0, &w);
    status = !wrote ? EXIT_NOTHING : (set.failed || failed) ? EXIT_SOME_FAILED : EXIT_ALL_OK;

out:
    /* A run of many articles leaves its figures to the exit: freeing 25
     * million of them one by one took 11 s at a million articles, and
     * the kernel takes them back at once. Smaller runs (every test, and
     * memcheck's) free everything, so that a leak still shows. */
    if (set.n <= FREE_AT_EXIT_MAX) {
        cmp_release(&cmp);
        run_set_release(&set);
    }
    run_rules_release(&rules);
    corpus_release(&c);
    corrections_release(&corr);
    labels_release(&lbl);
    free(wb_problem);
    free(state_problem);
    state_release(&st);
    free(state_path);
    free(cache_file);
    free(fixes_default);
    rx_cleanup();
    if (lock_fd >= 0)
        close(lock_fd);
    return status;
}
