/* export.c - CSV and JSON writers of the same rows. */
#include "export.h"

#include <string.h>

#include "outfile.h"

/* RFC 4180: quote fields holding a comma, a quote or a line break. */
static void csv_field(strbuf *row, const char *s)
{
    size_t plain = strcspn(s, ",\"\r\n");
    if (!s[plain]) {
        sb_add(row, s, plain);
        return;
    }
    sb_addch(row, '"');
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        sb_add(row, s, (size_t)(q - s) + 1);
        sb_addch(row, '"'); /* doubled */
    }
    sb_addstr(row, s);
    sb_addch(row, '"');
}

static void json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", fp);
        else if (c == '\t')
            fputs("\\t", fp);
        else if (c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

#define NCOL 15

/* The columns of one figure, as strings, in contract order. */
static void figure_fields(const ind_rules *rules, const run_article *a, const ls_figure *f,
                          char val[][40], const char *out[NCOL])
{
    format_decimal(f->value, val[0], sizeof(val[0]));
    if (f->has_max)
        format_decimal(f->value_max, val[1], sizeof(val[1]));
    else
        val[1][0] = '\0';
    snprintf(val[2], sizeof(val[2]), "%zu", f->offset);
    out[0] = a->name;
    out[1] = a->loc.name;
    out[2] = a->loc.code;
    out[3] = ls_category_id(f->category);
    out[4] = f->indicator;
    out[5] = val[0];
    out[6] = val[1];
    out[7] = f->unit;
    out[8] = ls_qualifier_id(f->qualifier);
    out[9] = f->period;
    out[10] = ls_status_id(f->status);
    out[11] = f->surface;
    out[12] = f->sentence;
    out[13] = val[2];
    out[14] = f->ind > 0 && (size_t)f->ind <= ind_count(rules) ? ind_get(rules, (size_t)f->ind - 1)->id
                                                               : "";
}

static const char *const columns[NCOL] = {
    "article", "locality", "locality_code", "category", "indicator", "value", "value_max",
    "unit", "qualifier", "period", "status", "surface", "sentence", "offset", "indicator_id",
};

/* Both formats walk the same figures in the same order; only the row
 * differs. */
typedef void (*row_writer)(FILE *fp, int n, const char *const out[], const ls_figure *f,
                           size_t nth);

static void each_figure(const run_set *set, const ind_rules *rules, FILE *fp, row_writer write)
{
    size_t nth = 0;
    for (size_t i = 0; i < set->n; i++) {
        const run_article *a = &set->v[i];
        for (size_t k = 0; k < a->figs.n; k++) {
            char val[3][40];
            const char *out[NCOL];
            figure_fields(rules, a, &a->figs.v[k], val, out);
            write(fp, NCOL, out, &a->figs.v[k], nth++);
        }
    }
}

/* A row is put together first and written at once: a stream call per
 * field and separator was most of the cost of a 100 MB export. */
static void csv_row(FILE *fp, int n, const char *const out[], const ls_figure *f, size_t nth)
{
    strbuf row = STRBUF_INIT;
    (void)f;
    (void)nth;
    sb_grow(&row, 512);
    for (int c = 0; c < n; c++) {
        if (c)
            sb_addch(&row, ',');
        csv_field(&row, out[c]);
    }
    sb_addch(&row, '\n');
    fwrite(row.buf, 1, row.len, fp);
    sb_release(&row);
}

/* The fields of one JSON object, without its braces: columns whose bit is
 * set in @p numbers stay numbers, and an empty one is null. */
static void json_fields(FILE *fp, const char *const *names, const char *const out[], int n,
                        unsigned numbers)
{
    for (int c = 0; c < n; c++) {
        fprintf(fp, "%s\"%s\": ", c ? ", " : "", names[c]);
        if (!(numbers & 1u << c))
            json_string(fp, out[c]);
        else
            fputs(out[c][0] ? out[c] : "null", fp);
    }
}

static void json_row(FILE *fp, int n, const char *const out[], const ls_figure *f, size_t nth)
{
    fputs(nth ? ",\n  {" : "\n  {", fp);
    /* value, value_max, offset */
    json_fields(fp, columns, out, n, 1u << 5 | 1u << 6 | 1u << 13);
    fputs(", \"place\": ", fp);
    if (f->place)
        json_string(fp, f->place);
    else
        fputs("null", fp);
    fputc('}', fp);
}

#define NCELL 12

static const char *const cell_columns[NCELL] = {
    "locality", "locality_code", "level", "indicator_id", "indicator", "kind", "unit", "value",
    "value_max", "qualifier", "figures", "articles",
};

/* The comparison's filled cells, row by row, in column order. */
static void each_cell(const run_set *set, const cmp_matrix *m, FILE *fp, row_writer write)
{
    for (size_t i = 0; i < m->ncells; i++) {
        const cmp_cell *c = &m->cells[i];
        const cmp_row *row = &m->rows[c->row];
        const run_locality *l = &set->loc[m->cols[c->col]];
        const ind_def *d = ind_get(m->rules, (size_t)row->ind);
        char val[4][40];
        const char *out[NCELL];
        format_decimal(c->value, val[0], sizeof(val[0]));
        if (c->has_max)
            format_decimal(c->value_max, val[1], sizeof(val[1]));
        else
            val[1][0] = '\0';
        snprintf(val[2], sizeof(val[2]), "%zu", c->nused);
        snprintf(val[3], sizeof(val[3]), "%zu", c->narticles);
        out[0] = l->name;
        out[1] = l->code;
        out[2] = cmp_level_id(l->code);
        out[3] = d->id;
        out[4] = d->label;
        out[5] = ind_kind_id(d->kind);
        out[6] = row->unit;
        out[7] = val[0];
        out[8] = val[1];
        out[9] = ls_qualifier_id(c->q);
        out[10] = val[2];
        out[11] = val[3];
        write(fp, NCELL, out, NULL, i);
    }
}

static void json_cell(FILE *fp, int n, const char *const out[], const ls_figure *f, size_t nth)
{
    (void)f;
    fputs(nth ? ",\n  {" : "\n  {", fp);
    /* value, value_max, figures, articles */
    json_fields(fp, cell_columns, out, n, 1u << 7 | 1u << 8 | 1u << 10 | 1u << 11);
    fputc('}', fp);
}

ls_error export_csv(const run_set *set, const ind_rules *rules, const char *path)
{
    outfile of;
    ls_error err = outfile_open(&of, path, 1);
    if (err)
        return err;
    fputs(EXPORT_CSV_HEADER "\n", of.fp);
    each_figure(set, rules, of.fp, csv_row);
    return outfile_commit(&of);
}

ls_error export_json(const run_set *set, const cmp_matrix *m, const char *path)
{
    outfile of;
    ls_error err = outfile_open(&of, path, 1);
    if (err)
        return err;
    fputs("{\"figures\": [", of.fp);
    each_figure(set, m->rules, of.fp, json_row);
    fputs("\n],\n\"articles\": [", of.fp);
    for (size_t i = 0; i < set->n; i++) {
        const run_article *a = &set->v[i];
        fputs(i ? ",\n  {\"article\": " : "\n  {\"article\": ", of.fp);
        json_string(of.fp, a->name);
        fputs(", \"error\": ", of.fp);
        if (a->err)
            json_string(of.fp, a->why);
        else
            fputs("null", of.fp);
        fputs(", \"title\": ", of.fp);
        json_string(of.fp, a->title);
        fputs(", \"date\": ", of.fp);
        json_string(of.fp, cmp_article_date(a));
        fputs(", \"source\": ", of.fp);
        json_string(of.fp, a->source);
        fputs(", \"encoding\": ", of.fp);
        json_string(of.fp, a->encoding);
        fputs(", \"locality\": ", of.fp);
        json_string(of.fp, a->loc.name);
        fputs(", \"locality_code\": ", of.fp);
        json_string(of.fp, a->loc.code);
        fputs(", \"locality_path\": ", of.fp);
        json_string(of.fp, a->loc.path);
        fprintf(of.fp, ", \"characters\": %zu, \"figures\": %zu}", a->chars, a->figs.n);
    }
    fputs("\n],\n\"comparison\": [", of.fp);
    each_cell(set, m, of.fp, json_cell);
    fputs("\n]}\n", of.fp);
    return outfile_commit(&of);
}

ls_error export_compare_csv(const run_set *set, const cmp_matrix *m, const char *path)
{
    outfile of;
    ls_error err = outfile_open(&of, path, 1);
    if (err)
        return err;
    fputs(EXPORT_COMPARE_HEADER "\n", of.fp);
    each_cell(set, m, of.fp, csv_row);
    return outfile_commit(&of);
}
