/*
 * xlsxread.h - reading a saved workbook back, streaming.
 *
 * An .xlsx file is a zip of XML parts. libzip opens the container and
 * expat reads each part as it is inflated, so a sheet is never held in
 * memory: rows are handed to a callback one at a time. Shared strings
 * (what Excel and LibreOffice write) and inline strings (what others
 * write) are both read; phonetic runs (rPh) are not text. Parts larger
 * than XR_MAX_PART bytes inflated are refused, so a zip bomb stops early.
 */
#ifndef LS_XLSXREAD_H
#define LS_XLSXREAD_H

#include <stddef.h>

#include "util.h"

/** The most bytes one XML part may inflate to (a sheet, the shared strings). */
#define XR_MAX_PART ((size_t)256 << 20)
/** Columns read per row; cells further right are ignored. */
#define XR_MAX_COLS 64

typedef struct xr_book xr_book;

/**
 * One row of a sheet: @p cells[0..XR_MAX_COLS) hold each cell's text (a
 * number as written in the file, "27300"), NULL where empty. @p row counts
 * from 1. Return nonzero to stop reading the sheet.
 */
typedef int (*xr_row_fn)(void *ctx, unsigned row, const char *const *cells);

/**
 * Open the workbook at @p path, or the @p len bytes at @p data when @p
 * data is not NULL (fuzzing). Reads its sheet list and shared strings.
 * On failure returns LS_ERR_WORKBOOK with a one-line reason in @p why
 * ("not a zip file", "password-protected", ...); *out is then NULL.
 */
ls_error xr_open(xr_book **out, const char *path, const void *data, size_t len, strbuf *why);

/** Number of sheets, in the workbook's order. */
size_t xr_sheet_count(const xr_book *b);

/** The name of sheet @p i as staff see it on its tab. */
const char *xr_sheet_name(const xr_book *b, size_t i);

/**
 * Stream sheet @p i, calling @p fn for each row that has a cell. Returns
 * LS_OK, or LS_ERR_WORKBOOK with the reason in @p why (malformed XML, a
 * shared string index out of range, a part too large).
 */
ls_error xr_read_sheet(xr_book *b, size_t i, xr_row_fn fn, void *ctx, strbuf *why);

/** Close and free; accepts NULL and a half-opened book. */
void xr_free(xr_book *b);

#endif
