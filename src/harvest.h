/*
 * harvest.h - the edits staff made in a saved workbook, as corrections.
 *
 * Staff correct where they read: the category sheets' 人工更正 column (排除
 * or another category, from a dropdown), 更正数值, 更正单位 and 更正指标, and
 * 待核's 更正地区. The next run reads the workbook they saved (xlsxread.h),
 * finds each sheet's columns by their headers (labels.h, in either
 * language), and names each edited figure by what its row carries:
 * article, figure as written and occurrence, never the row number, since
 * staff sort and filter. Each edit becomes a correction (correct.h).
 */
#ifndef LS_HARVEST_H
#define LS_HARVEST_H

#include "correct.h"
#include "labels.h"

/**
 * Add the edits in the workbook at @p path to @p c. Returns how many
 * corrections were new; -1 when the workbook could not be read, -2 when
 * it is not locstat's: one message naming the file and the problem is
 * printed, and *@p problem holds it for the review sheet (free it). A cell that makes no
 * correction (a value that is not a number) is reported and skipped.
 */
int harvest_workbook(corrections *c, const char *path, const labels *l, char **problem);

#endif
